// Event Hubs namespace for pot-line telemetry: the hubs, their partitions and consumer groups, 7-day retention.
param baseName string
param location string
param tags object
param workspaceId string

@allowed([ 'Standard', 'Premium' ])
param sku string = 'Standard'
@description('Throughput units (Standard) or processing units (Premium: 1, 2, 4, 8 or 16).')
@minValue(1)
param capacity int = 1
@description('Auto-inflate ceiling in throughput units (Standard only; Premium scales by processing units).')
@minValue(1)
@maxValue(40)
param maximumThroughputUnits int = 10
@description('Hubs to create: [{ name, partitionCount, consumerGroups: [string] }].')
param hubs array
@description('Principals that read the hubs: [{ principalId, principalType }].')
param receivers array
@description('Principals that send to the hubs (developers running the plant simulator against Azure): [{ principalId, principalType }].')
param senders array = []

// Retention the plant asked for: 7 days, in hours (Standard tier maximum is 7 days).
var retentionHours = 168
// Built-in roles "Azure Event Hubs Data Receiver" and "Azure Event Hubs Data Sender" (learn.microsoft.com, Azure built-in roles).
var dataReceiverRoleId = 'a638d3c7-ab3a-418d-83e6-5f17a39d4fde'
var dataSenderRoleId = '2b629674-e913-4c01-ae53-ef4638d8f975'

resource namespace 'Microsoft.EventHub/namespaces@2024-01-01' = {
  // The name is the namespace's DNS label (<name>.servicebus.windows.net), unique across Azure: 6–50 characters.
  name: '${baseName}-evhns-${take(uniqueString(resourceGroup().id), 6)}'
  location: location
  tags: tags
  sku: { name: sku, tier: sku, capacity: capacity }
  properties: {
    isAutoInflateEnabled: sku == 'Standard'
    maximumThroughputUnits: sku == 'Standard' ? maximumThroughputUnits : 0
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
  }
}

resource eventHub 'Microsoft.EventHub/namespaces/eventhubs@2024-01-01' = [for hub in hubs: {
  parent: namespace
  name: hub.name
  properties: {
    partitionCount: hub.partitionCount
    retentionDescription: { cleanupPolicy: 'Delete', retentionTimeInHours: retentionHours }
  }
}]

var consumerGroups = flatten(map(range(0, length(hubs)), i => map(hubs[i].consumerGroups, group => { hubIndex: i, group: group })))

resource consumerGroup 'Microsoft.EventHub/namespaces/eventhubs/consumergroups@2024-01-01' = [for cg in consumerGroups: {
  parent: eventHub[cg.hubIndex]
  name: cg.group
  properties: {}
}]

resource receiverRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for r in receivers: {
  name: guid(namespace.id, r.principalId, dataReceiverRoleId)
  scope: namespace
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', dataReceiverRoleId)
    principalId: r.principalId
    principalType: r.principalType
  }
}]

resource senderRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for s in senders: {
  name: guid(namespace.id, s.principalId, dataSenderRoleId)
  scope: namespace
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', dataSenderRoleId)
    principalId: s.principalId
    principalType: s.principalType
  }
}]

resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: namespace
  properties: {
    workspaceId: workspaceId
    logs: [ { categoryGroup: 'allLogs', enabled: true } ]
    metrics: [ { category: 'AllMetrics', enabled: true } ]
  }
}

output namespaceName string = namespace.name
// serviceBusEndpoint is https://<name>.<cloud suffix>:443/; the host name is what identity-based connections take.
output fullyQualifiedNamespace string = split(split(namespace.properties.serviceBusEndpoint, '//')[1], ':')[0]
