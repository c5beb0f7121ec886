// Cosmos DB (NoSQL): one database, the containers the code declares (shared/azure/containers.ts →
// shared-generated/containers.json), keys disabled and the data plane reached through Entra ID role assignments.
param baseName string
param location string
param tags object
param workspaceId string

param databaseName string = 'smelter'
@description('Containers from the generated storage contract: [{ name, partitionKey }].')
param containers array
@description('Principals with data access: [{ principalId, principalType }].')
param dataContributors array
@description('Serverless suits dev/test; provisioned autoscale suits production load.')
param serverless bool = false
@description('Autoscale ceiling for the shared database throughput, RU/s (ignored when serverless).')
@minValue(1000)
param autoscaleMaxThroughput int = 4000
param zoneRedundant bool = false

// Cosmos DB built-in data-plane role "Cosmos DB Built-in Data Contributor" (learn.microsoft.com,
// "Configure role-based access control with Microsoft Entra ID for your Azure Cosmos DB account").
var dataContributorRoleDefinitionId = '00000000-0000-0000-0000-000000000002'

resource account 'Microsoft.DocumentDB/databaseAccounts@2024-11-15' = {
  name: toLower('${baseName}-cosmos-${take(uniqueString(resourceGroup().id), 6)}')
  location: location
  tags: tags
  kind: 'GlobalDocumentDB'
  properties: {
    databaseAccountOfferType: 'Standard'
    locations: [ { locationName: location, failoverPriority: 0, isZoneRedundant: zoneRedundant } ]
    consistencyPolicy: { defaultConsistencyLevel: 'Session' }
    disableLocalAuth: true
    minimalTlsVersion: 'Tls12'
    capabilities: serverless ? [ { name: 'EnableServerless' } ] : []
    backupPolicy: { type: 'Continuous', continuousModeProperties: { tier: 'Continuous7Days' } }
  }
}

resource database 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases@2024-11-15' = {
  parent: account
  name: databaseName
  properties: {
    resource: { id: databaseName }
    options: serverless ? {} : { autoscaleSettings: { maxThroughput: autoscaleMaxThroughput } }
  }
}

resource container 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-11-15' = [for c in containers: {
  parent: database
  name: c.name
  properties: {
    resource: {
      id: c.name
      partitionKey: { paths: [ c.partitionKey ], kind: 'Hash', version: 2 }
    }
  }
}]

resource dataRole 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2024-11-15' = [for p in dataContributors: {
  parent: account
  name: guid(account.id, p.principalId, dataContributorRoleDefinitionId)
  properties: {
    roleDefinitionId: '${account.id}/sqlRoleDefinitions/${dataContributorRoleDefinitionId}'
    principalId: p.principalId
    scope: account.id
  }
}]

resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: account
  properties: {
    workspaceId: workspaceId
    logAnalyticsDestinationType: 'Dedicated'
    logs: [ { categoryGroup: 'allLogs', enabled: true } ]
    metrics: [ { category: 'Requests', enabled: true } ]
  }
}

output accountName string = account.name
output endpoint string = account.properties.documentEndpoint
output databaseName string = database.name
