// Azure Confidential Ledger: tamper-evident audit of set points, overrides and model changes (issue 6).
// The function identity is a ledger user (Contributor: append and read); administrators are named by parameter.
param baseName string
param location string
param tags object
param workspaceId string

@description('Object id of the function identity (the ledger writer).')
param writerPrincipalId string
@description('Object ids of people or groups who administer the ledger (user management, not data); empty makes the deploying principal the administrator.')
param administratorPrincipalIds array = []
@description('Readers, e.g. auditors or developers running locally against Azure.')
param readerPrincipalIds array = []
@allowed([ 'Public', 'Private' ])
param ledgerType string = 'Private'
@description('Send the ledger\'s resource logs (categories transactionlogs and userdefinedlogs) to Log Analytics.')
param enableDiagnostics bool = true

// A ledger keeps at least one Administrator (every published template names one): without a parameter, the
// principal running the deployment (deployer()) takes the role.
var administrators = empty(administratorPrincipalIds) ? [ deployer().objectId ] : administratorPrincipalIds
var principals = concat(
  [ { principalId: writerPrincipalId, tenantId: tenant().tenantId, ledgerRoleName: 'Contributor' } ],
  map(administrators, id => { principalId: id, tenantId: tenant().tenantId, ledgerRoleName: 'Administrator' }),
  map(readerPrincipalIds, id => { principalId: id, tenantId: tenant().tenantId, ledgerRoleName: 'Reader' })
)

resource ledger 'Microsoft.ConfidentialLedger/ledgers@2022-05-13' = {
  // Ledger names: 3–24 characters, letters, digits and hyphens; the name is the ledger's DNS label.
  name: take(toLower('${baseName}-acl-${take(uniqueString(resourceGroup().id), 4)}'), 24)
  location: location
  tags: tags
  properties: {
    ledgerType: ledgerType
    aadBasedSecurityPrincipals: principals
  }
}

resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = if (enableDiagnostics) {
  name: 'to-log-analytics'
  scope: ledger
  properties: {
    workspaceId: workspaceId
    logs: [ { categoryGroup: 'allLogs', enabled: true } ]
  }
}

output name string = ledger.name
output ledgerUri string = ledger.properties.ledgerUri
output identityServiceUri string = ledger.properties.identityServiceUri
