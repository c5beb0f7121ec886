// Key Vault in RBAC mode for the few secrets that remain (the plant broker's MQTT credentials). App settings
// reference them with @Microsoft.KeyVault(...) through the function identity; nobody reads them from settings.
param baseName string
param location string
param tags object
param workspaceId string
@description('Principals that read secrets: [{ principalId, principalType }].')
param secretReaders array
@description('Object ids of the people or groups who store the secrets (RBAC mode: an Owner of the resource group cannot write secrets without a data role).')
param secretOfficerPrincipalIds array = []

// Built-in roles "Key Vault Secrets User" and "Key Vault Secrets Officer" (learn.microsoft.com, Azure built-in roles).
var secretsUserRoleId = '4633458b-17de-408a-b874-0445c86b69e6'
var secretsOfficerRoleId = 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7'

// Purge protection: a deleted vault's name stays reserved for softDeleteRetentionInDays, so recreating a deleted
// resource group with the same name waits that long (docs/deploy.md, known limits).
resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: take(toLower(replace('${baseName}kv${uniqueString(resourceGroup().id)}', '-', '')), 24)
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
    publicNetworkAccess: 'Enabled'
  }
}

resource readerRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for r in secretReaders: {
  name: guid(vault.id, r.principalId, secretsUserRoleId)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', secretsUserRoleId)
    principalId: r.principalId
    principalType: r.principalType
  }
}]

resource officerRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for id in secretOfficerPrincipalIds: {
  name: guid(vault.id, id, secretsOfficerRoleId)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', secretsOfficerRoleId)
    principalId: id
  }
}]

resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: vault
  properties: {
    workspaceId: workspaceId
    logs: [ { categoryGroup: 'allLogs', enabled: true } ]
    metrics: [ { category: 'AllMetrics', enabled: true } ]
  }
}

output name string = vault.name
output uri string = vault.properties.vaultUri
