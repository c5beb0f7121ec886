// The Functions host's own storage: leases, Event Hubs checkpoints, timers and the Durable Functions task hub.
// Identity-based (AzureWebJobsStorage__accountName); shared-key access off.
param baseName string
param location string
param tags object
param workspaceId string
@description('Principals the host runs as: [{ principalId, principalType }].')
param principals array

// Roles Durable Functions needs on identity-based storage (learn.microsoft.com, "Durable Functions: identity-based
// connections"): Storage Blob Data Owner, Storage Queue Data Contributor, Storage Table Data Contributor.
var roleIds = [
  'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
]
var grants = flatten(map(principals, p => map(roleIds, roleId => { principalId: p.principalId, principalType: p.principalType, roleId: roleId })))

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: take(toLower(replace('${baseName}host${uniqueString(resourceGroup().id)}', '-', '')), 24)
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
  properties: {
    accessTier: 'Hot'
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    allowBlobPublicAccess: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' existing = {
  parent: account
  name: 'default'
}
resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2023-05-01' existing = {
  parent: account
  name: 'default'
}
resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2023-05-01' existing = {
  parent: account
  name: 'default'
}

resource roles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for g in grants: {
  name: guid(account.id, g.principalId, g.roleId)
  scope: account
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', g.roleId)
    principalId: g.principalId
    principalType: g.principalType
  }
}]

resource accountDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: account
  properties: {
    workspaceId: workspaceId
    metrics: [ { category: 'Transaction', enabled: true } ]
  }
}
resource blobDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: blobService
  properties: { workspaceId: workspaceId, logs: [ { categoryGroup: 'allLogs', enabled: true } ] }
}
resource queueDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: queueService
  properties: { workspaceId: workspaceId, logs: [ { categoryGroup: 'allLogs', enabled: true } ] }
}
resource tableDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: tableService
  properties: { workspaceId: workspaceId, logs: [ { categoryGroup: 'allLogs', enabled: true } ] }
}

output name string = account.name
output id string = account.id
