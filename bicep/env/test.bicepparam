using '../main.bicep'

param environmentName = 'test'
param planSku = 'EP1'
param alwaysReadyInstances = 1
param maximumBurst = 10
param eventHubsSku = 'Standard'
param eventHubsCapacity = 2
param eventHubsMaxThroughputUnits = 10
param telemetryPartitions = 8
param lakeSku = 'Standard_LRS'
param lakeRetentionDays = 730
param cosmosServerless = false
param cosmosAutoscaleMaxThroughput = 4000
param ledgerType = 'Private'
param developerPrincipalIds = []
param ledgerAdministratorPrincipalIds = []
param mqttBrokerUrl = ''
// Object ids of the people or groups who store the broker credentials in Key Vault (docs/deploy.md).
param secretOfficerPrincipalIds = []
// The pipeline exports its service connection's object id so that principal may upload code packages; a deployment
// by hand leaves it empty (grants nobody).
param deploymentPrincipalId = readEnvironmentVariable('SMELTER_DEPLOYMENT_PRINCIPAL_ID', '')
// Who is paged (README "Operations: what pages whom"): the teams' addresses, and the channels' secret URLs from the
// pipeline's secret variables (empty: e-mail only).
param operationsAlertEmails = []
param engineeringAlertEmails = []
param operationsTeamsWebhookUrl = readEnvironmentVariable('SMELTER_OPS_TEAMS_WEBHOOK_URL', '')
param engineeringLogicAppCallbackUrl = readEnvironmentVariable('SMELTER_ENG_LOGIC_APP_CALLBACK_URL', '')
