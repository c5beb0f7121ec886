// Azure Communication Services for alert e-mail and SMS (issue 6), with an Azure-managed e-mail domain.
param baseName string
param tags object
param workspaceId string
@description('Where ACS stores data at rest, e.g. Europe, United States, UK.')
param dataLocation string = 'Europe'
@description('The app identity: it sends alert e-mail and SMS with a Microsoft Entra token (shared/azure/acs-sender.ts).')
param senderPrincipalId string
// Sending with an Entra token needs write access to the resource; the built-in Contributor role would also let the app
// list the access keys, so a custom role grants only what sending needs (no listKeys action).

resource emailService 'Microsoft.Communication/emailServices@2023-04-01' = {
  name: '${baseName}-email-${take(uniqueString(resourceGroup().id), 6)}'
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
  // The name is the resource's host name label (<name>.<geo>.communication.azure.com), unique across Azure.
  name: '${baseName}-acs-${take(uniqueString(resourceGroup().id), 6)}'
  location: 'global'
  tags: tags
  properties: {
    dataLocation: dataLocation
    linkedDomains: [ emailDomain.id ]
  }
}

resource senderRole 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {
  name: guid(resourceGroup().id, 'smelter-acs-sender')
  properties: {
    roleName: 'Smelter alert sender (${resourceGroup().name})'
    description: 'Send e-mail and SMS through Azure Communication Services with Microsoft Entra ID; no access to keys.'
    type: 'CustomRole'
    permissions: [
      {
        actions: [
          'Microsoft.Communication/CommunicationServices/Read'
          'Microsoft.Communication/CommunicationServices/Write'
          'Microsoft.Communication/EmailServices/write'
        ]
        notActions: []
      }
    ]
    assignableScopes: [ resourceGroup().id ]
  }
}

resource senderAssignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(communication.id, senderPrincipalId, senderRole.id)
  scope: communication
  properties: {
    roleDefinitionId: senderRole.id
    principalId: senderPrincipalId
    principalType: 'ServicePrincipal'
  }
}

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
@description('Sender address of the Azure-managed domain, for an acs-email channel in ALERT_CHANNELS.')
output emailSender string = 'DoNotReply@${emailDomain.properties.mailFromSenderDomain}'
