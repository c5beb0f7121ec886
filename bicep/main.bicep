// The whole smelter platform in one resource group: deploy with
//   az deployment group create -g <rg> -f bicep/main.bicep -p bicep/env/<env>.bicepparam
// Contract with the code (checked by test/contract, see docs/deploy.md): the app settings are the object
// `appSettings`; the hubs and consumer groups are `eventHubs`; the Service Bus topic, subscriptions and filters and
// the lake and Cosmos containers are loaded from shared-generated/*.json, which is generated from the code; every
// function with a non-HTTP trigger is listed in `stagingDisabledFunctions`.
targetScope = 'resourceGroup'

@allowed([ 'dev', 'test', 'prod' ])
param environmentName string
param location string = resourceGroup().location
@description('Short prefix of every resource name (letters and digits; storage names are derived from it).')
@maxLength(10)
param namePrefix string = 'smelter'
@description('Tags every resource carries, merged over the defaults.')
param extraTags object = {}

// ---- Compute ----
@allowed([ 'EP1', 'EP2', 'EP3' ])
param planSku string = 'EP1'
param alwaysReadyInstances int = 1
param maximumBurst int = 20
param zoneRedundant bool = false
@description('Functions whose triggers stay off in the staging slot, so staging (a release under test, or the previous release after a swap) never takes production events, timers or set points. Every non-HTTP trigger belongs here (checked by test/contract).')
param stagingDisabledFunctions array = [
  'telemetryIngest'
  'plantMqttIngress'
  'telemetryAlerts'
  'setpointReadback'
  'goldCuration'
  'modelAccuracy'
  'alertSweep'
  'outboxSweep'
  'scadaDispatcher'
  'ledgerWriter'
  'alertNotifier'
  'optimizationSchedule'
  'telemetryLive'
  'controlRoomFeed'
]

// ---- Network ----
@description('Existing subnet (delegated to Microsoft.Web/serverFarms) that reaches the plant broker; empty creates a VNet.')
param existingFunctionSubnetId string = ''
param vnetAddressPrefix string = '10.60.0.0/16'
param functionSubnetPrefix string = '10.60.1.0/24'

// ---- Telemetry ----
@allowed([ 'Standard', 'Premium' ])
param eventHubsSku string = 'Standard'
param eventHubsCapacity int = 1
param eventHubsMaxThroughputUnits int = 10
@description('Partitions of the telemetry hub: the ceiling on parallel ingest instances; fixed once created on Standard.')
@minValue(1)
@maxValue(32)
param telemetryPartitions int = 8
param telemetryHubName string = 'telemetry'

// ---- Data ----
@allowed([ 'Standard_LRS', 'Standard_GRS', 'Standard_RAGRS' ])
param lakeSku string = 'Standard_GRS'
@minValue(730)
param lakeRetentionDays int = 2555
param cosmosDatabaseName string = 'smelter'
param cosmosServerless bool = false
param cosmosAutoscaleMaxThroughput int = 4000

// ---- Messaging, audit, alerts ----
@allowed([ 'Standard', 'Premium' ])
param serviceBusSku string = 'Standard'
@allowed([ 'Public', 'Private' ])
param ledgerType string = 'Private'
param ledgerAdministratorPrincipalIds array = []
param ledgerDiagnostics bool = true
param communicationDataLocation string = 'Europe'
// The alert channels themselves (webhook URLs carry their own secret) live in Key Vault secret `alert-channels`.
@description('Ids of alert channels the operations team reads (anomalies, failed commands).')
param alertOperationsChannels array = []
@description('Ids of alert channels the engineering team reads (failed optimisations, overrides, failed commands).')
param alertEngineeringChannels array = []
@description('Ids of alert channels told about alerts left unacknowledged past their escalation delay.')
param alertEscalationChannels array = []
@description('Seconds the telemetry alert consumer keeps rules before reading them again (how long a threshold change takes).')
param alertRulesRefreshSeconds int = 30

// ---- Operations: who is paged (modules/alerts.bicep, README "Operations: what pages whom") ----
@description('E-mail addresses of the operations team (control room), paged for ingestion, parked batches, dead letters and envelope refusal spikes.')
param operationsAlertEmails array = []
@description('Teams channel of the operations team: its incoming-webhook or Workflows URL.')
@secure()
param operationsTeamsWebhookUrl string = ''
@description('E-mail addresses of the engineering team, paged for failed runs and function failure rates.')
param engineeringAlertEmails array = []
@description('Resource id of the engineering Logic App (the channel the alert notifier posts to); empty: e-mail only.')
param engineeringLogicAppId string = ''
@secure()
param engineeringLogicAppCallbackUrl string = ''
@description('Ingest lag (enqueue → silver, mean over 5 min) that pages, seconds.')
param ingestLagAlertSeconds int = 60
@description('Minutes a line may send no telemetry before it pages.')
param lineSilentAlertMinutes int = 5
@description('Function failure rate over 15 min that pages, percent.')
param functionFailureAlertPercent int = 5
@description('Envelope refusals within 15 min that count as a spike.')
param envelopeRefusalSpikeAlert int = 20

// ---- Application ----
param plantId string = 'plant-01'
@description('URL of a plant MQTT broker the host reaches directly (over the VNet); empty: the Event Grid namespace below.')
param mqttBrokerUrl string = ''
// ---- Plant broker (Event Grid namespace MQTT; shared/sparkplug, docs/deploy.md) ----
@description('Sparkplug edge nodes (one pot controller per line): [{ edgeNodeId: \'L1-POTCTL\', thumbprints: [primary, secondary] }].')
param plantEdgeNodes array = []
@description('Thumbprints of the client certificate the Function App presents as Primary Host (Key Vault mqtt-client-cert).')
param plantHostThumbprints array = []
@description('Read-only MQTT observers: [{ name, thumbprints }].')
param plantObservers array = []
@description('CA certificate (base64 PEM body) that issues the plant certificates; empty authenticates by thumbprint.')
param plantCaCertificate string = ''
@description('Event Hub the broker routes every MQTT message to, raw (CloudEvents, partition key = edge node).')
param plantMqttHubName string = 'plant-mqtt'
@description('Expected audience of API tokens (the API app registration).')
param authAudience string = 'api://smelter-platform'
param authIssuer string = '${environment().authentication.loginEndpoint}${tenant().tenantId}/v2.0'
param authJwksUri string = '${environment().authentication.loginEndpoint}${tenant().tenantId}/discovery/v2.0/keys'

// ---- Optimisation ----
@description('When scheduled optimisation runs start (NCRONTAB, six fields, UTC).')
param optimizationSchedule string = '0 5 * * * *'
@description('Lines the schedule optimises, comma-separated; empty optimises every line sending telemetry.')
param optimizationLines string = ''
@allowed([ 'advisory', 'closed-loop' ])
@description('Mode of scheduled runs: advisory waits for an engineer\'s approval; closed-loop recommends at once.')
param optimizationMode string = 'advisory'
@description('Minutes an advisory run waits for approval before it ends with no change.')
param optimizationApprovalTimeoutMin int = 30

// ---- Control room (issue 19) ----
@description('Region of the control room\'s Static Web App (the service runs in westeurope, centralus, eastus2, westus2, eastasia).')
param controlRoomLocation string = 'westeurope'
@allowed([ 'Free', 'Standard' ])
param controlRoomSku string = 'Standard'
@description('Client id of the control room\'s Entra ID app registration (a single-page application allowed to ask for the API scope).')
param controlRoomClientId string = ''
@allowed([ 'Free_F1', 'Standard_S1', 'Premium_P1' ])
param signalRSku string = 'Standard_S1'
@description('SignalR units (1,000 concurrent connections each on Standard).')
param signalRCapacity int = 1

// ---- People and pipelines ----
@description('Object ids of developers given the same data roles as the app (dev only), to run locally against Azure.')
param developerPrincipalIds array = []
@description('Object ids of the people or groups who store Key Vault secrets (mqtt-username, mqtt-password).')
param secretOfficerPrincipalIds array = []
@description('Object id of the principal that uploads code packages (the pipeline\'s service connection); empty grants nobody.')
param deploymentPrincipalId string = ''

var baseName = '${namePrefix}-${environmentName}'
var tags = union({ application: 'smelter-platform', environment: environmentName, managedBy: 'bicep' }, extraTags)

// Generated from shared/messaging/subscriptions.ts and shared/azure/containers.ts (test/contract/generate-bicep-inputs.ts).
var messaging = loadJsonContent('shared-generated/messaging.json')
var storageContract = loadJsonContent('shared-generated/containers.json')

var ingestConsumerGroup = 'ingest'
var alertsConsumerGroup = 'alerts'
var readbackConsumerGroup = 'readback'
var liveConsumerGroup = 'live'
var plantIngressConsumerGroup = 'ingress'
var eventHubs = [
  {
    name: telemetryHubName
    partitionCount: telemetryPartitions
    // Alert rules, the set-point read-back observer and the control room's live values read telemetry through their
    // own groups so ingestion is never slowed.
    consumerGroups: [ ingestConsumerGroup, alertsConsumerGroup, readbackConsumerGroup, liveConsumerGroup ]
  }
  {
    // The plant broker's routed messages, raw Sparkplug B: the plantMqttIngress function decodes them into telemetry
    // points on the telemetry hub (README "Which hub carries what").
    name: plantMqttHubName
    partitionCount: telemetryPartitions
    consumerGroups: [ plantIngressConsumerGroup ]
  }
]

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: { baseName: baseName, location: location, tags: tags }
}

module identity 'modules/identity.bicep' = {
  name: 'identity'
  params: { baseName: baseName, location: location, tags: tags }
}

var appPrincipal = [ { principalId: identity.outputs.principalId, principalType: 'ServicePrincipal' } ]
var developers = map(developerPrincipalIds, id => { principalId: id, principalType: 'User' })
var dataPrincipals = concat(appPrincipal, developers)

module network 'modules/network.bicep' = {
  name: 'network'
  params: {
    baseName: baseName
    location: location
    tags: tags
    workspaceId: monitoring.outputs.workspaceId
    existingSubnetId: existingFunctionSubnetId
    vnetAddressPrefix: vnetAddressPrefix
    functionSubnetPrefix: functionSubnetPrefix
  }
}

module telemetry 'modules/eventhubs.bicep' = {
  name: 'eventhubs'
  params: {
    baseName: baseName
    location: location
    tags: tags
    workspaceId: monitoring.outputs.workspaceId
    sku: eventHubsSku
    capacity: eventHubsCapacity
    maximumThroughputUnits: eventHubsMaxThroughputUnits
    hubs: eventHubs
    receivers: dataPrincipals
    // The app sends too: the plant-MQTT ingress puts decoded points on the telemetry hub.
    senders: dataPrincipals
  }
}

module plantMqtt 'modules/plant-mqtt.bicep' = {
  name: 'plant-mqtt'
  params: {
    baseName: baseName
    location: location
    tags: tags
    edgeNodes: plantEdgeNodes
    hostThumbprints: plantHostThumbprints
    observers: plantObservers
    caCertificate: plantCaCertificate
    eventHubsNamespaceName: telemetry.outputs.namespaceName
    routedHubName: plantMqttHubName
  }
}

module lake 'modules/storage-lake.bicep' = {
  name: 'lake'
  params: {
    baseName: baseName
    location: location
    tags: tags
    workspaceId: monitoring.outputs.workspaceId
    containers: storageContract.lakeContainers
    contributors: dataPrincipals
    skuName: lakeSku
    retentionDays: lakeRetentionDays
  }
}

module hostStorage 'modules/storage-host.bicep' = {
  name: 'host-storage'
  params: {
    baseName: baseName
    location: location
    tags: tags
    workspaceId: monitoring.outputs.workspaceId
    principals: appPrincipal
    containers: storageContract.hostContainers
    packageWriterPrincipalIds: empty(deploymentPrincipalId) ? [] : [ deploymentPrincipalId ]
  }
}

module cosmos 'modules/cosmos.bicep' = {
  name: 'cosmos'
  params: {
    baseName: baseName
    location: location
    tags: tags
    workspaceId: monitoring.outputs.workspaceId
    databaseName: cosmosDatabaseName
    containers: storageContract.cosmosContainers
    dataContributors: dataPrincipals
    serverless: cosmosServerless
    autoscaleMaxThroughput: cosmosAutoscaleMaxThroughput
    zoneRedundant: zoneRedundant
  }
}

module serviceBus 'modules/servicebus.bicep' = {
  name: 'servicebus'
  params: {
    baseName: baseName
    location: location
    tags: tags
    workspaceId: monitoring.outputs.workspaceId
    sku: serviceBusSku
    topicName: messaging.topic
    subscriptions: messaging.subscriptions
    principals: dataPrincipals
  }
}

module ledger 'modules/ledger.bicep' = {
  name: 'ledger'
  params: {
    baseName: baseName
    location: location
    tags: tags
    workspaceId: monitoring.outputs.workspaceId
    writerPrincipalId: identity.outputs.principalId
    administratorPrincipalIds: ledgerAdministratorPrincipalIds
    readerPrincipalIds: developerPrincipalIds
    ledgerType: ledgerType
    enableDiagnostics: ledgerDiagnostics
  }
}

module keyVault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  params: {
    baseName: baseName
    location: location
    tags: tags
    workspaceId: monitoring.outputs.workspaceId
    secretReaders: appPrincipal
    secretOfficerPrincipalIds: secretOfficerPrincipalIds
  }
}

module communication 'modules/communication.bicep' = {
  name: 'communication'
  params: {
    baseName: baseName
    tags: tags
    workspaceId: monitoring.outputs.workspaceId
    dataLocation: communicationDataLocation
    senderPrincipalId: identity.outputs.principalId
  }
}

module alerts 'modules/alerts.bicep' = {
  name: 'alerts'
  params: {
    baseName: baseName
    location: location
    tags: tags
    appInsightsId: monitoring.outputs.appInsightsId
    workspaceId: monitoring.outputs.workspaceId
    serviceBusNamespaceId: serviceBus.outputs.id
    operationsEmails: operationsAlertEmails
    operationsTeamsWebhookUrl: operationsTeamsWebhookUrl
    engineeringEmails: engineeringAlertEmails
    engineeringLogicAppId: engineeringLogicAppId
    engineeringLogicAppCallbackUrl: engineeringLogicAppCallbackUrl
    ingestLagSeconds: ingestLagAlertSeconds
    lineSilentMinutes: lineSilentAlertMinutes
    functionFailurePercent: functionFailureAlertPercent
    envelopeRefusalSpike: envelopeRefusalSpikeAlert
  }
}

module controlRoom 'modules/static-web-app.bicep' = {
  name: 'control-room'
  params: { baseName: baseName, location: controlRoomLocation, tags: tags, skuName: controlRoomSku }
}

module signalR 'modules/signalr.bicep' = {
  name: 'signalr'
  params: {
    baseName: baseName
    location: location
    tags: tags
    workspaceId: monitoring.outputs.workspaceId
    skuName: signalRSku
    capacity: signalRCapacity
    allowedOrigins: [ controlRoom.outputs.origin ]
    appPrincipalId: identity.outputs.principalId
  }
}

var clientId = identity.outputs.clientId

// Every setting the app reads in Azure, one per line (add yours in its group). Connections are identity-based:
// `<Conn>__fullyQualifiedNamespace` / `__accountName` / `__blobServiceUri` with `__credential` and `__clientId` for
// the user-assigned identity. Secrets are Key Vault references resolved with that identity. WEBSITE_RUN_FROM_PACKAGE
// is not here: the pipeline sets it per slot and modules/site-app-settings.bicep keeps it (docs/deploy.md).
var appSettings = {
  // Platform
  FUNCTIONS_EXTENSION_VERSION: '~4'
  FUNCTIONS_WORKER_RUNTIME: 'node'
  WEBSITE_RUN_FROM_PACKAGE_BLOB_MI_RESOURCE_ID: identity.outputs.id
  AZURE_CLIENT_ID: clientId
  APPLICATIONINSIGHTS_CONNECTION_STRING: monitoring.outputs.appInsightsConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${clientId};Authorization=AAD'
  // Connections
  AzureWebJobsStorage__accountName: hostStorage.outputs.name
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: clientId
  EventHubConnection__fullyQualifiedNamespace: telemetry.outputs.fullyQualifiedNamespace
  EventHubConnection__credential: 'managedidentity'
  EventHubConnection__clientId: clientId
  ServiceBusConnection__fullyQualifiedNamespace: serviceBus.outputs.fullyQualifiedNamespace
  ServiceBusConnection__credential: 'managedidentity'
  ServiceBusConnection__clientId: clientId
  LakeConnection__blobServiceUri: lake.outputs.blobServiceUri
  LakeConnection__credential: 'managedidentity'
  LakeConnection__clientId: clientId
  COSMOS_ENDPOINT: cosmos.outputs.endpoint
  COSMOS_DATABASE: cosmosDatabaseName
  // The control room's SignalR Service (functions/realtime): identity-based, no access key.
  AzureSignalRConnectionString__serviceUri: signalR.outputs.serviceUri
  AzureSignalRConnectionString__credential: 'managedidentity'
  AzureSignalRConnectionString__clientId: clientId
  // Triggers (binding expressions read these; zod defaults never reach a binding)
  TELEMETRY_HUB: telemetryHubName
  TELEMETRY_CONSUMER_GROUP: ingestConsumerGroup
  CURATION_SCHEDULE: '0 10 * * * *'
  MODEL_ACCURACY_SCHEDULE: '0 20 * * * *'
  DURABLE_TASK_HUB: taskHubName
  // Audit ledger (shared/azure/confidential-ledger.ts)
  CONFIDENTIAL_LEDGER_ENDPOINT: ledger.outputs.ledgerUri
  CONFIDENTIAL_LEDGER_ID: ledger.outputs.name
  CONFIDENTIAL_LEDGER_IDENTITY_URL: ledger.outputs.identityServiceUri
  // SCADA (shared/scada/settings.ts): the Primary Host on the Event Grid broker, authenticated by its client
  // certificate (Key Vault); or a plant broker reached directly, with a username and password from Key Vault.
  SCADA_MQTT_URL: empty(mqttBrokerUrl) ? 'mqtts://${plantMqtt.outputs.mqttHostname}:8883' : mqttBrokerUrl
  SCADA_MQTT_USERNAME: empty(mqttBrokerUrl) ? 'platform-host' : '@Microsoft.KeyVault(VaultName=${keyVault.outputs.name};SecretName=mqtt-username)'
  SCADA_MQTT_PASSWORD: empty(mqttBrokerUrl) ? '' : '@Microsoft.KeyVault(VaultName=${keyVault.outputs.name};SecretName=mqtt-password)'
  SCADA_MQTT_CLIENT_CERT: empty(mqttBrokerUrl) ? '@Microsoft.KeyVault(VaultName=${keyVault.outputs.name};SecretName=mqtt-client-cert)' : ''
  SCADA_MQTT_CLIENT_KEY: empty(mqttBrokerUrl) ? '@Microsoft.KeyVault(VaultName=${keyVault.outputs.name};SecretName=mqtt-client-key)' : ''
  // Alerting (shared/alerts/settings.ts): webhook URLs hold secrets, so the channel list lives in Key Vault
  TELEMETRY_ALERTS_CONSUMER_GROUP: alertsConsumerGroup
  TELEMETRY_READBACK_CONSUMER_GROUP: readbackConsumerGroup
  // Control room (shared/realtime): live cell values through their own consumer group
  TELEMETRY_LIVE_CONSUMER_GROUP: liveConsumerGroup
  PLANT_MQTT_HUB: plantMqttHubName
  PLANT_MQTT_CONSUMER_GROUP: plantIngressConsumerGroup
  ALERT_CHANNELS: '@Microsoft.KeyVault(VaultName=${keyVault.outputs.name};SecretName=alert-channels)'
  ALERT_OPERATIONS_CHANNELS: join(alertOperationsChannels, ',')
  ALERT_ENGINEERING_CHANNELS: join(alertEngineeringChannels, ',')
  ALERT_ESCALATION_CHANNELS: join(alertEscalationChannels, ',')
  ALERT_RULES_REFRESH_S: string(alertRulesRefreshSeconds)
  ACS_ENDPOINT: communication.outputs.endpoint
  ALERT_SWEEP_SCHEDULE: '0 * * * * *'
  // Plant events a topic outage left queued with their changes (the outbox), published every minute
  OUTBOX_SWEEP_SCHEDULE: '0 * * * * *'
  // API
  PLANT_ID: plantId
  AUTH_ISSUER: authIssuer
  AUTH_AUDIENCE: authAudience
  AUTH_JWKS_URI: authJwksUri
  OPTIMIZATION_SCHEDULE: optimizationSchedule
  OPTIMIZATION_LINES: optimizationLines
  OPTIMIZATION_MODE: optimizationMode
  OPTIMIZATION_APPROVAL_TIMEOUT_MIN: string(optimizationApprovalTimeoutMin)
}

// Settings that stay with their slot on swap (slotConfigNames). The staging slot keeps its own Durable task hub
// (names: letters and digits only) and its own host ID (both slots share the host storage account, where equal host
// IDs collide: learn.microsoft.com, "Storage considerations for Azure Functions", host ID considerations), and
// leaves the listed triggers off. On Linux an app setting name's periods become underscores, and the host reads
// AzureWebJobs_<name>_Disabled as well as AzureWebJobs.<name>.Disabled.
var taskHubName = replace('${namePrefix}${environmentName}', '-', '')
var hostId = toLower(taskHubName)
var disabledSetting = 'AzureWebJobs_{0}_Disabled'
var stagingOverrides = union(
  { DURABLE_TASK_HUB: '${taskHubName}staging', AzureFunctionsWebHost__hostid: '${hostId}-staging' },
  toObject(stagingDisabledFunctions, fn => format(disabledSetting, fn), fn => 'true')
)
var productionStickyDefaults = union(
  { AzureFunctionsWebHost__hostid: hostId },
  toObject(stagingDisabledFunctions, fn => format(disabledSetting, fn), fn => 'false')
)

module functionApp 'modules/functionapp.bicep' = {
  name: 'functionapp'
  params: {
    baseName: baseName
    location: location
    tags: tags
    workspaceId: monitoring.outputs.workspaceId
    planSku: planSku
    alwaysReadyInstances: alwaysReadyInstances
    maximumBurst: maximumBurst
    zoneRedundant: zoneRedundant
    identityId: identity.outputs.id
    identityPrincipalId: identity.outputs.principalId
    subnetId: network.outputs.functionSubnetId
    appInsightsName: monitoring.outputs.appInsightsName
    appSettings: union(appSettings, productionStickyDefaults)
    stagingOverrides: stagingOverrides
    healthCheckPath: '/industrial-automation/smelting-ops/v1/health'
    corsAllowedOrigins: [ controlRoom.outputs.origin ]
  }
}

output functionAppName string = functionApp.outputs.name
output functionAppHostName string = functionApp.outputs.defaultHostName
output stagingSlotName string = functionApp.outputs.stagingSlotName
output stagingHostName string = functionApp.outputs.stagingHostName
@description('Where the pipeline uploads functionapp-<build id>.zip; a slot runs the blob its WEBSITE_RUN_FROM_PACKAGE names.')
output packageContainerUrl string = hostStorage.outputs.packageContainerUrl
output hostStorageAccountName string = hostStorage.outputs.name
output identityClientId string = clientId
output eventHubsNamespace string = telemetry.outputs.fullyQualifiedNamespace
output telemetryHubName string = telemetryHubName
output serviceBusNamespace string = serviceBus.outputs.fullyQualifiedNamespace
output lakeAccountName string = lake.outputs.name
output lakeBlobServiceUri string = lake.outputs.blobServiceUri
output cosmosEndpoint string = cosmos.outputs.endpoint
output ledgerEndpoint string = ledger.outputs.ledgerUri
output ledgerName string = ledger.outputs.name
output ledgerIdentityServiceUri string = ledger.outputs.identityServiceUri
output keyVaultName string = keyVault.outputs.name
output operationsWorkbookId string = alerts.outputs.workbookId
output communicationEndpoint string = communication.outputs.endpoint
output controlRoomName string = controlRoom.outputs.name
output controlRoomOrigin string = controlRoom.outputs.origin
output signalRServiceUri string = signalR.outputs.serviceUri
@description('The control room\'s config.json (web/src/config.ts): where the API is and how people sign in. The pipeline writes it beside the app.')
output controlRoomConfig object = {
  apiBaseUrl: 'https://${functionApp.outputs.defaultHostName}/industrial-automation/smelting-ops/v1'
  auth: {
    kind: 'entra'
    clientId: controlRoomClientId
    authority: '${environment().authentication.loginEndpoint}${tenant().tenantId}'
    apiScope: '${authAudience}/.default'
  }
}
output emailSenderAddress string = communication.outputs.emailSender
