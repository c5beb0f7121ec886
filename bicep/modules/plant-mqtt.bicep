// The plant broker in Azure: an Event Grid namespace with its MQTT broker. Edge nodes (the pot controllers), the
// platform's Primary Host (the Function App) and read-only observers authenticate with X.509 client certificates
// (by thumbprint, or by a CA chain when one is given); topic spaces and permission bindings come from the code
// (shared-generated/plant-mqtt.json, from shared/sparkplug/broker-permissions.ts): an edge node publishes only its own
// births, data and deaths and reads only its own commands; only the host publishes NCMD/DCMD and its STATE. Every
// message is routed through a namespace topic to an Event Hub (partition key = the publishing edge node, so births
// and data of one node stay in order).
param baseName string
param location string
param tags object
@description('Edge nodes: [{ edgeNodeId, thumbprints: [primary, secondary] }].')
param edgeNodes array
@description('Thumbprints of the platform host client certificate (the Function App presents it): [primary, secondary].')
param hostThumbprints array
@description('Observers (read-only tools): [{ name, thumbprints: [primary, secondary] }].')
param observers array = []
@description('PEM body (base64, no header lines) of the CA that issues the plant certificates; empty: thumbprints only.')
param caCertificate string = ''
@description('Event Hubs namespace name and the hub the routed MQTT messages go to.')
param eventHubsNamespaceName string
param routedHubName string
@minValue(1)
param capacity int = 1

var permissions = loadJsonContent('../shared-generated/plant-mqtt.json')
// Built-in role "Azure Event Hubs Data Sender" (learn.microsoft.com, Azure built-in roles).
var dataSenderRoleId = '2b629674-e913-4c01-ae53-ef4638d8f975'
var namespaceName = '${baseName}-egns-${take(uniqueString(resourceGroup().id), 6)}'
var routeTopicName = 'plant-mqtt'

resource namespace 'Microsoft.EventGrid/namespaces@2025-02-15' = {
  name: namespaceName
  location: location
  tags: tags
  sku: { name: 'Standard', capacity: capacity }
  identity: { type: 'SystemAssigned' }
  properties: {
    minimumTlsVersionAllowed: '1.2'
    topicSpacesConfiguration: {
      state: 'Enabled'
      // Sparkplug clients use clean sessions; the routing is what must not lose messages.
      maximumClientSessionsPerAuthenticationName: 2
      clientAuthentication: { alternativeAuthenticationNameSources: [ 'ClientCertificateSubject' ] }
    }
  }
}

resource caCert 'Microsoft.EventGrid/namespaces/caCertificates@2025-02-15' = if (!empty(caCertificate)) {
  parent: namespace
  name: 'plant-ca'
  properties: { encodedCertificate: caCertificate, description: 'CA that issues the plant MQTT client certificates' }
}

resource clientGroups 'Microsoft.EventGrid/namespaces/clientGroups@2025-02-15' = [for g in permissions.clientGroups: {
  parent: namespace
  name: g.name
  properties: { query: g.query }
}]

resource topicSpaces 'Microsoft.EventGrid/namespaces/topicSpaces@2025-02-15' = [for t in permissions.topicSpaces: {
  parent: namespace
  name: t.name
  properties: { topicTemplates: t.templates }
}]

resource bindings 'Microsoft.EventGrid/namespaces/permissionBindings@2025-02-15' = [for b in permissions.bindings: {
  parent: namespace
  name: b.name
  properties: { clientGroupName: b.clientGroup, topicSpaceName: b.topicSpace, permission: b.permission }
  dependsOn: [ clientGroups, topicSpaces ]
}]

// By thumbprint, or (with a CA) the certificate's subject must equal the client's authentication name.
func certificateAuthentication(thumbprints array, withCa bool) object =>
  withCa
    ? { validationScheme: 'SubjectMatchesAuthenticationName' }
    : { validationScheme: 'ThumbprintMatch', allowedThumbprints: thumbprints }

resource edgeClients 'Microsoft.EventGrid/namespaces/clients@2025-02-15' = [for e in edgeNodes: {
  parent: namespace
  name: e.edgeNodeId
  properties: {
    authenticationName: e.edgeNodeId
    state: 'Enabled'
    clientCertificateAuthentication: certificateAuthentication(e.thumbprints, !empty(caCertificate))
    attributes: { role: 'edge', edgeNodeId: e.edgeNodeId }
  }
}]

resource hostClient 'Microsoft.EventGrid/namespaces/clients@2025-02-15' = {
  parent: namespace
  name: 'platform-host'
  properties: {
    authenticationName: 'platform-host'
    state: 'Enabled'
    clientCertificateAuthentication: certificateAuthentication(hostThumbprints, !empty(caCertificate))
    attributes: { role: 'host' }
  }
}

resource observerClients 'Microsoft.EventGrid/namespaces/clients@2025-02-15' = [for o in observers: {
  parent: namespace
  name: o.name
  properties: {
    authenticationName: o.name
    state: 'Enabled'
    clientCertificateAuthentication: certificateAuthentication(o.thumbprints, !empty(caCertificate))
    attributes: { role: 'observer' }
  }
}]

resource routeTopic 'Microsoft.EventGrid/namespaces/topics@2025-02-15' = {
  parent: namespace
  name: routeTopicName
  properties: { publisherType: 'Custom', inputSchema: 'CloudEventSchemaV1_0', eventRetentionInDays: 1 }
}

resource eventHubs 'Microsoft.EventHub/namespaces@2024-01-01' existing = {
  name: eventHubsNamespaceName
}

resource routedHub 'Microsoft.EventHub/namespaces/eventhubs@2024-01-01' existing = {
  parent: eventHubs
  name: routedHubName
}

// The namespace's identity sends to the routed hub: no keys anywhere on this path.
resource senderRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(routedHub.id, namespace.id, dataSenderRoleId)
  scope: routedHub
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', dataSenderRoleId)
    principalId: namespace.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

resource toEventHubs 'Microsoft.EventGrid/namespaces/topics/eventSubscriptions@2025-02-15' = {
  parent: routeTopic
  name: 'to-event-hubs'
  properties: {
    eventDeliverySchema: 'CloudEventSchemaV1_0'
    deliveryConfiguration: {
      deliveryMode: 'Push'
      push: {
        deliveryWithResourceIdentity: {
          identity: { type: 'SystemAssigned' }
          destination: {
            endpointType: 'EventHub'
            properties: {
              resourceId: routedHub.id
              deliveryAttributeMappings: [
                { name: 'PartitionKey', type: 'Dynamic', properties: { sourceField: 'edgenode' } }
              ]
            }
          }
        }
        maxDeliveryCount: 10
        eventTimeToLive: 'P1D'
      }
    }
  }
  dependsOn: [ senderRole ]
}

// Routing is set once the topic it names exists (the namespace cannot name a child that is not there yet); the
// enrichment stamps each routed message with its edge node for the partition key.
module routing 'plant-mqtt-routing.bicep' = {
  name: 'plant-mqtt-routing'
  params: {
    namespaceName: namespace.name
    location: location
    tags: tags
    capacity: capacity
    routeTopicId: routeTopic.id
  }
  dependsOn: [ toEventHubs ]
}

@description('MQTT endpoint of the broker, for SCADA_MQTT_URL and the plant gateways.')
output mqttHostname string = namespace.properties.topicSpacesConfiguration.hostname
output namespaceName string = namespace.name
output principalId string = namespace.identity.principalId
