// Azure SignalR Service in serverless mode for the control room's live updates (issue 19). The Functions SignalR
// bindings reach it with the app's managed identity (AzureSignalRConnectionString__serviceUri): local (key) auth is
// off, so no access key exists to leak. Browsers connect with the short-lived tokens the negotiate function hands out.
param baseName string
param location string
param tags object
param workspaceId string
@allowed([ 'Free_F1', 'Standard_S1', 'Premium_P1' ])
param skuName string = 'Standard_S1'
@description('Units (1 unit: 1,000 concurrent connections, 1 M messages a day on Standard).')
param capacity int = 1
@description('Origins whose browsers may negotiate (the control room\'s Static Web App).')
param allowedOrigins array
@description('The app identity: mints client tokens (negotiate) and sends messages (output binding).')
param appPrincipalId string

// Built-in roles: SignalR App Server generates client tokens (negotiate); SignalR REST API Owner sends messages and
// manages groups through the data-plane REST API (what the output binding uses in serverless mode).
var signalRAppServerRoleId = '420fcaa2-552c-430f-98ca-3264be4806c7'
var signalRRestApiOwnerRoleId = 'fd53cd77-2268-407a-8f46-7e7863d0f521'

resource signalR 'Microsoft.SignalRService/signalR@2024-03-01' = {
  // The name is the host name label (<name>.service.signalr.net), unique across Azure.
  name: '${baseName}-signalr-${take(uniqueString(resourceGroup().id), 6)}'
  location: location
  tags: tags
  sku: { name: skuName, capacity: capacity }
  kind: 'SignalR'
  properties: {
    features: [
      { flag: 'ServiceMode', value: 'Serverless' }
      { flag: 'EnableConnectivityLogs', value: 'True' }
      { flag: 'EnableMessagingLogs', value: 'True' }
    ]
    cors: { allowedOrigins: allowedOrigins }
    disableLocalAuth: true
    disableAadAuth: false
    publicNetworkAccess: 'Enabled'
    tls: { clientCertEnabled: false }
  }
}

resource roles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for roleId in [ signalRAppServerRoleId, signalRRestApiOwnerRoleId ]: {
  name: guid(signalR.id, appPrincipalId, roleId)
  scope: signalR
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleId)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}]

resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: signalR
  properties: {
    workspaceId: workspaceId
    logs: [ { categoryGroup: 'allLogs', enabled: true } ]
    metrics: [ { category: 'AllMetrics', enabled: true } ]
  }
}

output name string = signalR.name
@description('The service endpoint the bindings use with the app identity (AzureSignalRConnectionString__serviceUri).')
output serviceUri string = 'https://${signalR.properties.hostName}'
