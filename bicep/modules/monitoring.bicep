// Log Analytics workspace and workspace-based Application Insights: every resource sends its diagnostics here.
@description('Resource name prefix, e.g. smelter-dev.')
param baseName string
param location string
param tags object

@description('Days logs stay queryable; the plant keeps logs and lineage 2 years (issue 8).')
@minValue(30)
@maxValue(730)
param logRetentionDays int = 730

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: '${baseName}-log'
  location: location
  tags: tags
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: logRetentionDays
    features: { enableLogAccessUsingOnlyResourcePermissions: true }
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: '${baseName}-appi'
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    IngestionMode: 'LogAnalytics'
    // Ingestion only with Entra ID tokens (the function identity holds Monitoring Metrics Publisher): no key in settings.
    DisableLocalAuth: true
  }
}

// Diagnostic settings: the workspace sends its own audit logs (category group 'audit': LAQueryLogs) and metrics to
// itself. Application Insights gets none: it is workspace-based, so its telemetry already lands in this workspace
// (AppRequests, AppTraces, ...) and a diagnostic setting would store every record twice.
resource workspaceDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: workspace
  properties: {
    workspaceId: workspace.id
    logs: [ { categoryGroup: 'audit', enabled: true } ]
    metrics: [ { category: 'AllMetrics', enabled: true } ]
  }
}

output workspaceId string = workspace.id
output appInsightsId string = appInsights.id
output appInsightsName string = appInsights.name
@description('Not a secret: it names the ingestion endpoint; ingestion itself needs an Entra ID token.')
output appInsightsConnectionString string = appInsights.properties.ConnectionString
