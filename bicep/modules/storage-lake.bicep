// The medallion lake: ADLS Gen2 (hierarchical namespace), containers from the code's single definition
// (shared/azure/containers.ts → shared-generated/containers.json), lifecycle tiering, shared-key access off.
param baseName string
param location string
param tags object
param workspaceId string

@description('Lake container names from the generated storage contract.')
param containers array
@description('Principals that read and write the lake: [{ principalId, principalType }].')
param contributors array

@description('Replication. Archive tier needs LRS, GRS or RA-GRS (zone-redundant accounts cannot archive).')
@allowed([ 'Standard_LRS', 'Standard_GRS', 'Standard_RAGRS' ])
param skuName string = 'Standard_GRS'
@description('Days after last modification before blobs move to the cool tier.')
param coolAfterDays int = 30
@description('Days after last modification before bronze, silver and quarantine move to archive (gold stays readable for Power BI).')
param archiveAfterDays int = 180
@description('Days after last modification before blobs are deleted. Audit and lineage must be kept at least 2 years (issue 9), so 730 is the floor.')
@minValue(730)
param retentionDays int = 2555

// Built-in role "Storage Blob Data Contributor" (learn.microsoft.com, Azure built-in roles).
var blobDataContributorRoleId = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
// Gold is what Power BI reads and where lineage manifests live: it cools but is never archived.
var archivable = filter(containers, c => c != 'gold')

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: take(toLower(replace('${baseName}lake${uniqueString(resourceGroup().id)}', '-', '')), 24)
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: { name: skuName }
  properties: {
    isHnsEnabled: true
    accessTier: 'Hot'
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    allowBlobPublicAccess: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: account
  name: 'default'
  properties: {
    deleteRetentionPolicy: { enabled: true, days: 14 }
    containerDeleteRetentionPolicy: { enabled: true, days: 14 }
  }
}

resource container 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = [for name in containers: {
  parent: blobService
  name: name
  properties: { publicAccess: 'None' }
}]

// Rule names are alphanumeric (management policy schema). Archive needs an LRS, GRS or RA-GRS account (skuName).
resource lifecycle 'Microsoft.Storage/storageAccounts/managementPolicies@2023-05-01' = {
  parent: account
  name: 'default'
  properties: {
    policy: {
      rules: [
        {
          name: 'tierRawAndCurated'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: { blobTypes: [ 'blockBlob' ], prefixMatch: map(archivable, c => '${c}/') }
            actions: {
              baseBlob: {
                tierToCool: { daysAfterModificationGreaterThan: coolAfterDays }
                tierToArchive: { daysAfterModificationGreaterThan: archiveAfterDays }
                delete: { daysAfterModificationGreaterThan: retentionDays }
              }
            }
          }
        }
        {
          name: 'tierGold'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: { blobTypes: [ 'blockBlob' ], prefixMatch: [ 'gold/' ] }
            actions: {
              baseBlob: {
                tierToCool: { daysAfterModificationGreaterThan: coolAfterDays * 3 }
                delete: { daysAfterModificationGreaterThan: retentionDays }
              }
            }
          }
        }
      ]
    }
  }
  dependsOn: [ container ]
}

resource contributorRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for p in contributors: {
  name: guid(account.id, p.principalId, blobDataContributorRoleId)
  scope: account
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', blobDataContributorRoleId)
    principalId: p.principalId
    principalType: p.principalType
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
  properties: {
    workspaceId: workspaceId
    logs: [ { categoryGroup: 'allLogs', enabled: true } ]
    metrics: [ { category: 'Transaction', enabled: true } ]
  }
}

output name string = account.name
output id string = account.id
output blobServiceUri string = account.properties.primaryEndpoints.blob
output dfsServiceUri string = account.properties.primaryEndpoints.dfs
