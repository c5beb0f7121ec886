// VNet integration for the Function App: outbound traffic (the plant's MQTT broker) leaves through this subnet.
// Pass existingSubnetId to join the plant's own (peered) network instead of creating one.
param baseName string
param location string
param tags object
param workspaceId string

@description('Resource id of an existing subnet delegated to Microsoft.Web/serverFarms; empty creates a VNet here.')
param existingSubnetId string = ''
param vnetAddressPrefix string = '10.60.0.0/16'
param functionSubnetPrefix string = '10.60.1.0/24'

var createVnet = empty(existingSubnetId)

resource vnet 'Microsoft.Network/virtualNetworks@2024-05-01' = if (createVnet) {
  name: '${baseName}-vnet'
  location: location
  tags: tags
  properties: {
    addressSpace: { addressPrefixes: [ vnetAddressPrefix ] }
    subnets: [
      {
        name: 'functions'
        properties: {
          addressPrefix: functionSubnetPrefix
          delegations: [ { name: 'web', properties: { serviceName: 'Microsoft.Web/serverFarms' } } ]
          serviceEndpoints: [
            { service: 'Microsoft.Storage' }
            { service: 'Microsoft.EventHub' }
            { service: 'Microsoft.ServiceBus' }
            { service: 'Microsoft.AzureCosmosDB' }
            { service: 'Microsoft.KeyVault' }
          ]
        }
      }
    ]
  }
}

resource vnetDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = if (createVnet) {
  name: 'to-log-analytics'
  scope: vnet
  properties: {
    workspaceId: workspaceId
    logs: [ { categoryGroup: 'allLogs', enabled: true } ]
    metrics: [ { category: 'AllMetrics', enabled: true } ]
  }
}

output functionSubnetId string = createVnet ? resourceId('Microsoft.Network/virtualNetworks/subnets', '${baseName}-vnet', 'functions') : existingSubnetId
