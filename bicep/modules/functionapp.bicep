// The Function App: Elastic Premium (Linux, Node 20), always-ready instances, bounded burst, user-assigned identity,
// VNet integration, run-from-package, and a staging slot the pipeline deploys to, smoke-tests and swaps.
param baseName string
param location string
param tags object
param workspaceId string

@allowed([ 'EP1', 'EP2', 'EP3' ])
param planSku string = 'EP1'
@description('Instances kept warm at all times (no cold start for the ingest and dispatch paths).')
@minValue(1)
@maxValue(20)
param alwaysReadyInstances int = 1
@description('Most instances the plan bursts to.')
@minValue(1)
@maxValue(100)
param maximumBurst int = 20
param zoneRedundant bool = false

param identityId string
param identityClientId string
param identityPrincipalId string
param subnetId string
param appInsightsName string
@description('App settings of the production slot, as an object { NAME: value }.')
param appSettings object
@description('Settings that differ in the staging slot and stay with their slot on swap (sticky).')
param stagingOverrides object
@description('Route of the health endpoint, used by App Service health checks.')
param healthCheckPath string

// Built-in role "Monitoring Metrics Publisher" (learn.microsoft.com, Azure built-in roles): Entra ID ingestion into App Insights.
var metricsPublisherRoleId = '3913510d-42f4-4e42-8a64-420c390055eb'

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: '${baseName}-plan'
  location: location
  tags: tags
  kind: 'elastic'
  sku: { name: planSku, tier: 'ElasticPremium' }
  properties: {
    reserved: true
    maximumElasticWorkerCount: maximumBurst
    zoneRedundant: zoneRedundant
  }
}

var siteConfig = {
  linuxFxVersion: 'Node|20'
  minimumElasticInstanceCount: alwaysReadyInstances
  preWarmedInstanceCount: alwaysReadyInstances
  functionAppScaleLimit: maximumBurst
  vnetRouteAllEnabled: true
  ftpsState: 'Disabled'
  minTlsVersion: '1.2'
  http20Enabled: true
  use32BitWorkerProcess: false
  healthCheckPath: healthCheckPath
}

var identity = {
  type: 'UserAssigned'
  userAssignedIdentities: { '${identityId}': {} }
}

var productionSettings = map(items(appSettings), s => { name: s.key, value: string(s.value) })
var stagingSettings = map(items(union(appSettings, stagingOverrides)), s => { name: s.key, value: string(s.value) })

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: '${baseName}-func-${take(uniqueString(resourceGroup().id), 6)}'
  location: location
  tags: tags
  kind: 'functionapp,linux'
  identity: identity
  properties: {
    serverFarmId: plan.id
    reserved: true
    httpsOnly: true
    clientAffinityEnabled: false
    virtualNetworkSubnetId: subnetId
    keyVaultReferenceIdentity: identityId
    siteConfig: union(siteConfig, { appSettings: productionSettings })
  }
}

resource staging 'Microsoft.Web/sites/slots@2024-04-01' = {
  parent: site
  name: 'staging'
  location: location
  tags: tags
  kind: 'functionapp,linux'
  identity: identity
  properties: {
    serverFarmId: plan.id
    reserved: true
    httpsOnly: true
    clientAffinityEnabled: false
    virtualNetworkSubnetId: subnetId
    keyVaultReferenceIdentity: identityId
    siteConfig: union(siteConfig, { appSettings: stagingSettings })
  }
}

// Settings named here stay with their slot on swap: staging keeps its own task hub and disabled triggers.
resource stickySettings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: site
  name: 'slotConfigNames'
  properties: {
    appSettingNames: objectKeys(stagingOverrides)
  }
}

// No publishing passwords: the pipeline deploys with its Entra ID service connection.
resource ftpPolicy 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: site
  name: 'ftp'
  properties: { allow: false }
}
resource scmPolicy 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: site
  name: 'scm'
  properties: { allow: false }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

resource metricsPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(appInsights.id, identityPrincipalId, metricsPublisherRoleId)
  scope: appInsights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', metricsPublisherRoleId)
    principalId: identityPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource siteDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: site
  properties: {
    workspaceId: workspaceId
    logs: [ { categoryGroup: 'allLogs', enabled: true } ]
    metrics: [ { category: 'AllMetrics', enabled: true } ]
  }
}

resource slotDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: staging
  properties: {
    workspaceId: workspaceId
    logs: [ { categoryGroup: 'allLogs', enabled: true } ]
    metrics: [ { category: 'AllMetrics', enabled: true } ]
  }
}

resource planDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: plan
  properties: {
    workspaceId: workspaceId
    metrics: [ { category: 'AllMetrics', enabled: true } ]
  }
}

output name string = site.name
output defaultHostName string = site.properties.defaultHostName
output stagingHostName string = staging.properties.defaultHostName
output identityClientId string = identityClientId
