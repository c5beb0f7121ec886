// Turns on routing of the plant broker's MQTT messages to its namespace topic (see plant-mqtt.bicep), with each message
// enriched with the publishing client's edge node id (the Event Hubs partition key).
param namespaceName string
param location string
param tags object
param capacity int
param routeTopicId string

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
      maximumClientSessionsPerAuthenticationName: 2
      clientAuthentication: { alternativeAuthenticationNameSources: [ 'ClientCertificateSubject' ] }
      routeTopicResourceId: routeTopicId
      routingEnrichments: {
        dynamic: [ { key: 'edgenode', value: '\${client.attributes.edgeNodeId}' } ]
      }
    }
  }
}
