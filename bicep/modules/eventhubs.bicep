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

// Retention the plant asked for: 7 days, in hours (Standard tier maximum is 7 days).
var retentionHours = 168
// Built-in role "Azure Event Hubs Data Receiver" (learn.microsoft.com, Azure built-in roles).
var dataReceiverRoleId = 'a638d3c7-ab3a-418d-83e6-5f17a39d4fde'

resource namespace 'Microsoft.EventHub/namespaces@2024-01-01' = {
  name: '${baseName}-evhns'
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

var consumerGroups = flatten(map(hubs, hub => map(hub.consumerGroups, group => { hub: hub.name, group: group })))

resource consumerGroup 'Microsoft.EventHub/namespaces/eventhubs/consumergroups@2024-01-01' = [for cg in consumerGroups: {
  name: '${namespace.name}/${cg.hub}/${cg.group}'
  properties: {}
  dependsOn: [ eventHub ]
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
output fullyQualifiedNamespace string = '${namespace.name}.servicebus.windows.net'
