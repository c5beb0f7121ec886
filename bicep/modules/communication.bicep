// Azure Communication Services for alert e-mail and SMS (issue 6), with an Azure-managed e-mail domain.
param baseName string
param tags object
param workspaceId string
@description('Where ACS stores data at rest, e.g. Europe, United States, UK.')
param dataLocation string = 'Europe'
@description('Principals that send notifications: [{ principalId, principalType }].')
param senders array

// ACS has no narrower data-plane role for sending with Entra ID: "Contributor" scoped to this one resource
// (learn.microsoft.com, "Authenticate to Azure Communication Services with Microsoft Entra ID").
var contributorRoleId = 'b24988ac-6180-42a0-ab88-20f7382dd24c'

resource emailService 'Microsoft.Communication/emailServices@2023-04-01' = {
  name: '${baseName}-email'
  location: 'global'
  tags: tags
  properties: { dataLocation: dataLocation }
}

resource emailDomain 'Microsoft.Communication/emailServices/domains@2023-04-01' = {
  parent: emailService
  name: 'AzureManagedDomain'
  location: 'global'
  tags: tags
  properties: {
    domainManagement: 'AzureManaged'
    userEngagementTracking: 'Disabled'
  }
}

resource communication 'Microsoft.Communication/communicationServices@2023-04-01' = {
  name: '${baseName}-acs'
  location: 'global'
  tags: tags
  properties: {
    dataLocation: dataLocation
    linkedDomains: [ emailDomain.id ]
  }
}

resource senderRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for s in senders: {
  name: guid(communication.id, s.principalId, contributorRoleId)
  scope: communication
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', contributorRoleId)
    principalId: s.principalId
    principalType: s.principalType
  }
}]

resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: communication
  properties: {
    workspaceId: workspaceId
    logs: [ { categoryGroup: 'allLogs', enabled: true } ]
    metrics: [ { category: 'AllMetrics', enabled: true } ]
  }
}

output endpoint string = 'https://${communication.properties.hostName}'
output emailSender string = 'DoNotReply@${emailDomain.properties.mailFromSenderDomain}'
