// The Function App: Elastic Premium (Linux, Node 20), always-ready instances, bounded burst, user-assigned identity,
// VNet integration, run-from-package, and a staging slot the pipeline deploys to, smoke-tests and swaps.
//
// Run from package without Azure Files: with shared-key access off on the host storage account there is no content
// share (WEBSITE_CONTENTAZUREFILECONNECTIONSTRING needs an account key), so each slot runs from a package URL in the
// host account's `deployments` container (WEBSITE_RUN_FROM_PACKAGE = blob URL), fetched with the user-assigned
// identity (WEBSITE_RUN_FROM_PACKAGE_BLOB_MI_RESOURCE_ID). The pipeline sets the URL on the staging slot; a swap
// carries it to production. Settings are written by site-app-settings.bicep, which keeps each slot's URL, so an
// infrastructure deployment never changes the code a slot runs. See docs/deploy.md, "Run from package".
param baseName string
param location string
param tags object
param workspaceId string

@allowed([ 'EP1', 'EP2', 'EP3' ])
param planSku string = 'EP1'
@description('Instances of the production slot kept warm at all times (no cold start for the ingest and dispatch paths).')
@minValue(1)
@maxValue(20)
param alwaysReadyInstances int = 1
@description('Most instances the plan bursts to (maximumElasticWorkerCount) and the app may use (functionAppScaleLimit).')
@minValue(1)
@maxValue(100)
param maximumBurst int = 20
@description('Zone-redundant plan: needs a region with availability zones and at least three instances.')
param zoneRedundant bool = false

param identityId string
param identityPrincipalId string
param subnetId string
param appInsightsName string
@description('App settings of the production slot, as an object { NAME: value } (values are strings).')
param appSettings object
@description('Settings that differ in the staging slot and stay with their slot on swap (sticky).')
param stagingOverrides object
@description('Route of the health endpoint, used by App Service health checks.')
param healthCheckPath string
@description('Browser origins that may call the API (CORS): the control room\'s Static Web App.')
param corsAllowedOrigins array = []

// Built-in role "Monitoring Metrics Publisher" (learn.microsoft.com, Azure built-in roles): Entra ID ingestion into App Insights.
var metricsPublisherRoleId = '3913510d-42f4-4e42-8a64-420c390055eb'

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: '${baseName}-plan'
  location: location
  tags: tags
  kind: 'elastic'
  // Capacity is the plan's minimum instance count; a zone-redundant Premium plan needs at least three.
  sku: { name: planSku, tier: 'ElasticPremium', capacity: zoneRedundant ? 3 : 1 }
  properties: {
    reserved: true
    maximumElasticWorkerCount: maximumBurst
    zoneRedundant: zoneRedundant
  }
}

// Site configuration shared by both slots. preWarmedInstanceCount is the buffer kept ready ahead of scale-out
// (0–10 in the SiteConfig schema); 1 is the platform default.
var siteConfig = {
  linuxFxVersion: 'Node|20'
  preWarmedInstanceCount: 1
  functionAppScaleLimit: maximumBurst
  vnetRouteAllEnabled: true
  ftpsState: 'Disabled'
  minTlsVersion: '1.2'
  scmMinTlsVersion: '1.2'
  http20Enabled: true
  use32BitWorkerProcess: false
  healthCheckPath: healthCheckPath
  // The control room calls the API from its own origin with a bearer token (no cookies: no credentials).
  cors: { allowedOrigins: corsAllowedOrigins, supportCredentials: false }
}

var identity = {
  type: 'UserAssigned'
  userAssignedIdentities: { '${identityId}': {} }
}

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
    siteConfig: union(siteConfig, { minimumElasticInstanceCount: alwaysReadyInstances })
  }
}

// Staging runs only while a release is checked, so one warm instance is enough (scale settings do not swap).
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
    siteConfig: union(siteConfig, { minimumElasticInstanceCount: 1 })
  }
}

module productionSettings 'site-app-settings.bicep' = {
  name: '${deployment().name}-settings'
  params: {
    siteName: site.name
    settings: appSettings
    currentSettings: list('${site.id}/config/appsettings', '2024-04-01').properties
  }
}

module stagingSettings 'site-app-settings.bicep' = {
  name: '${deployment().name}-staging-settings'
  params: {
    siteName: site.name
    slotName: staging.name
    settings: union(appSettings, stagingOverrides)
    currentSettings: list('${staging.id}/config/appsettings', '2024-04-01').properties
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

// No publishing passwords: deployments use Entra ID (the package is a blob, swaps are ARM operations).
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
resource stagingFtpPolicy 'Microsoft.Web/sites/slots/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: staging
  name: 'ftp'
  properties: { allow: false }
}
resource stagingScmPolicy 'Microsoft.Web/sites/slots/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: staging
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

// Microsoft.Web/sites and sites/slots: log categories FunctionAppLogs, AppServiceAuthenticationLogs (allLogs) and
// AllMetrics; the plan has metrics only.
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
output id string = site.id
output defaultHostName string = site.properties.defaultHostName
output stagingSlotName string = staging.name
output stagingHostName string = staging.properties.defaultHostName
