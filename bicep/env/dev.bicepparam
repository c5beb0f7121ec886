using '../main.bicep'

param environmentName = 'dev'
param planSku = 'EP1'
param alwaysReadyInstances = 1
param maximumBurst = 5
param eventHubsSku = 'Standard'
param eventHubsCapacity = 1
param eventHubsMaxThroughputUnits = 4
param telemetryPartitions = 4
param lakeSku = 'Standard_LRS'
param lakeRetentionDays = 730
param cosmosServerless = true
param ledgerType = 'Private'
// Fill with the object ids of developers who run the app locally against this environment (docs/deploy.md).
param developerPrincipalIds = []
param ledgerAdministratorPrincipalIds = []
param mqttBrokerUrl = ''
