using '../main.bicep'

param environmentName = 'prod'
param planSku = 'EP1'
// Two warm instances: one can restart for platform maintenance while the other keeps ingesting.
param alwaysReadyInstances = 2
param maximumBurst = 20
param zoneRedundant = false
param eventHubsSku = 'Standard'
param eventHubsCapacity = 4
param eventHubsMaxThroughputUnits = 20
// 32 partitions: Standard's ceiling, fixed at creation; sized for the plant's peak with headroom.
param telemetryPartitions = 32
param lakeSku = 'Standard_GRS'
// Seven years: the plant's records policy; never below the two years audit and lineage require.
param lakeRetentionDays = 2555
param cosmosServerless = false
param cosmosAutoscaleMaxThroughput = 10000
param serviceBusSku = 'Standard'
param ledgerType = 'Private'
// No developer access to production data.
param developerPrincipalIds = []
// Set to the object ids of the audit administrators group members before the first deployment.
param ledgerAdministratorPrincipalIds = []
// Set to the plant broker reached over the VNet (e.g. mqtts://hivemq.plant.local:8883).
param mqttBrokerUrl = ''
// Set to the subnet peered with the plant network, delegated to Microsoft.Web/serverFarms.
param existingFunctionSubnetId = ''
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
