// Azure Communication Services for alert e-mail and SMS (issue 6), with an Azure-managed e-mail domain.
param baseName string
param tags object
param workspaceId string
@description('Where ACS stores data at rest, e.g. Europe, United States, UK.')
param dataLocation string = 'Europe'
// No role is granted here yet: the alert notifier has no Communication Services sender wired (an acs-email or acs-sms
// channel fails with ERR-ALERT-CHANNEL), and the only built-in role that could send, Contributor, would also let the
// app read the resource's access keys. Grant the narrowest role when the sender lands (docs/deploy.md, known limits).

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
