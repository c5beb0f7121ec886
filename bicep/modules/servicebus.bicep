// Service Bus namespace with the plant-events topic. Subscriptions and their SQL filters are not written here:
// they come from the code's single definition (shared/messaging/subscriptions.ts) through
// bicep/shared-generated/messaging.json, which main.bicep loads and passes in.
param baseName string
param location string
param tags object
param workspaceId string

@allowed([ 'Standard', 'Premium' ])
param sku string = 'Standard'
@description('Topic name, from the generated messaging contract.')
param topicName string
@description('Subscriptions from the generated messaging contract: [{ name, sqlFilter, maxDeliveryCount, lockDuration, defaultMessageTimeToLive, deadLetteringOnMessageExpiration, deadLetteringOnFilterEvaluationExceptions }].')
param subscriptions array
@description('Principals that publish and consume: [{ principalId, principalType }].')
param principals array

// Built-in roles "Azure Service Bus Data Sender" and "Azure Service Bus Data Receiver" (learn.microsoft.com, Azure built-in roles).
var dataSenderRoleId = '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39'
var dataReceiverRoleId = '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0'

resource namespace 'Microsoft.ServiceBus/namespaces@2024-01-01' = {
  // The name is the namespace's DNS label (<name>.servicebus.windows.net), unique across Azure: 6–50 characters.
  name: '${baseName}-sbns-${take(uniqueString(resourceGroup().id), 6)}'
  location: location
  tags: tags
  sku: { name: sku, tier: sku }
  properties: {
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
  }
}

resource topic 'Microsoft.ServiceBus/namespaces/topics@2024-01-01' = {
  parent: namespace
  name: topicName
  properties: {
    // CloudEvents ids are message ids: a publisher retry inside the window is dropped by the broker.
    requiresDuplicateDetection: true
    duplicateDetectionHistoryTimeWindow: 'PT10M'
    defaultMessageTimeToLive: 'P14D'
    maxSizeInMegabytes: 1024
  }
}

resource subscription 'Microsoft.ServiceBus/namespaces/topics/subscriptions@2024-01-01' = [for sub in subscriptions: {
  parent: topic
  name: sub.name
  properties: {
    maxDeliveryCount: sub.maxDeliveryCount
    lockDuration: sub.lockDuration
    defaultMessageTimeToLive: sub.defaultMessageTimeToLive
    deadLetteringOnMessageExpiration: sub.deadLetteringOnMessageExpiration
    deadLetteringOnFilterEvaluationExceptions: sub.deadLetteringOnFilterEvaluationExceptions
  }
}]

// Replacing the $Default rule (a TrueFilter) so each subscription receives only the types its filter selects.
resource rule 'Microsoft.ServiceBus/namespaces/topics/subscriptions/rules@2024-01-01' = [for (sub, i) in subscriptions: {
  parent: subscription[i]
  name: '$Default'
  properties: {
    filterType: 'SqlFilter'
    sqlFilter: { sqlExpression: sub.sqlFilter }
  }
}]

resource senderRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for p in principals: {
  name: guid(topic.id, p.principalId, dataSenderRoleId)
  scope: topic
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', dataSenderRoleId)
    principalId: p.principalId
    principalType: p.principalType
  }
}]

// Receivers are granted on each subscription: a topic trigger's role assignment needs effective scope over the
// Service Bus subscription it reads (learn.microsoft.com, "Azure Service Bus bindings for Azure Functions",
// identity-based connections). Data Owner, which the scale controller would use to read message counts, is not
// granted: without it the extension estimates the backlog by peeking (least privilege over scaling precision).
var receiverGrants = flatten(map(range(0, length(subscriptions)), i => map(principals, p => { subscriptionIndex: i, principalId: p.principalId, principalType: p.principalType })))

resource receiverRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for g in receiverGrants: {
  name: guid(subscription[g.subscriptionIndex].id, g.principalId, dataReceiverRoleId)
  scope: subscription[g.subscriptionIndex]
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', dataReceiverRoleId)
    principalId: g.principalId
    principalType: g.principalType
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
output id string = namespace.id
// serviceBusEndpoint is https://<name>.<cloud suffix>:443/; the host name is what identity-based connections take.
output fullyQualifiedNamespace string = split(split(namespace.properties.serviceBusEndpoint, '//')[1], ':')[0]
output topicName string = topic.name
