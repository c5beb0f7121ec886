// The Functions host's own storage: leases, Event Hubs checkpoints, timers, the Durable Functions task hubs, and the
// `deployments` container the app runs its code package from. Identity-based (AzureWebJobsStorage__accountName,
// WEBSITE_RUN_FROM_PACKAGE_BLOB_MI_RESOURCE_ID); shared-key access off, so there is no Azure Files content share.
param baseName string
param location string
param tags object
param workspaceId string
@description('Principals the host runs as: [{ principalId, principalType }].')
param principals array
@description('Containers the app itself keeps here (generated from shared/azure/containers.ts): the parked telemetry batches.')
param containers array = []
@description('Object ids of the principals that upload code packages (the pipeline\'s service connection, or a person deploying by hand).')
param packageWriterPrincipalIds array = []

// Roles the host needs on identity-based storage (learn.microsoft.com, "Connecting to host storage with an identity"
// and "Durable Functions: identity-based connections"): Storage Blob Data Owner, Storage Queue Data Contributor,
// Storage Table Data Contributor. Blob Data Owner also lets the app read its code package.
var roleIds = [
  'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
]
// Built-in role "Storage Blob Data Contributor", scoped to the deployments container only.
var blobDataContributorRoleId = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
var grants = flatten(map(principals, p => map(roleIds, roleId => { principalId: p.principalId, principalType: p.principalType, roleId: roleId })))
var packageContainerName = 'deployments'

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

// One blob per build (functionapp-<build id>.zip), never overwritten by a later build: the slot a swap leaves behind
// keeps running its package, so swapping back is a rollback. No lifecycle rule deletes them (a running slot's
// package must stay); docs/deploy.md says how to prune.
resource packageContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: packageContainerName
  properties: { publicAccess: 'None' }
}

// Telemetry batches that failed every retry wait here for `npm run lake -- parked replay` (another account than the
// lake, which is usually what refused). The app's Blob Data Owner role covers them.
resource appContainers 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = [for name in containers: {
  parent: blobService
  name: name
  properties: { publicAccess: 'None' }
}]

resource roles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for g in grants: {
  name: guid(account.id, g.principalId, g.roleId)
  scope: account
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', g.roleId)
    principalId: g.principalId
    principalType: g.principalType
  }
}]

resource packageWriterRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for id in packageWriterPrincipalIds: {
  name: guid(packageContainer.id, id, blobDataContributorRoleId)
  scope: packageContainer
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', blobDataContributorRoleId)
    // No principalType: the pipeline's service principal or a person deploying by hand.
    principalId: id
  }
}]

// Storage accounts have metrics only (Transaction, Capacity); resource logs (StorageRead/Write/Delete) are on the
// blob, queue and table services.
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
@description('Container URL the pipeline uploads packages to; WEBSITE_RUN_FROM_PACKAGE points at a blob in it.')
output packageContainerUrl string = '${account.properties.primaryEndpoints.blob}${packageContainer.name}'
