// Who is paged for what (README "Operations: what pages whom"): two action groups — operations (the control room:
// e-mail and the Teams channel) and engineering (e-mail and the Logic App the alert notifier already posts to) — the
// alert rules with their thresholds, and the operations workbook. The rules read the app's OpenTelemetry metrics as
// Application Insights stores them (customMetrics: name, valueSum, valueCount, valueMax, customDimensions) and the
// Functions host's requests; the metric names are the catalogue's (shared/observability/metric-catalogue.ts), and
// test/contract/monitoring-contract.test.ts fails when a name here is not in it.
param baseName string
param location string
param tags object
@description('Application Insights the app exports to (the rules query it).')
param appInsightsId string
@description('Log Analytics workspace (the workbook reads Azure metrics from it).')
param workspaceId string
@description('Service Bus namespace of the plant-events topic (dead-letter depth is its own metric).')
param serviceBusNamespaceId string

@description('E-mail addresses of the operations team (control room).')
param operationsEmails array = []
@description('Teams channel the operations team reads: its incoming-webhook or Workflows URL (holds its own secret).')
@secure()
param operationsTeamsWebhookUrl string = ''
@description('E-mail addresses of the engineering team.')
param engineeringEmails array = []
@description('Resource id of the engineering Logic App the alert notifier posts to; empty: e-mail only.')
param engineeringLogicAppId string = ''
@description('Its HTTP trigger callback URL (holds its own secret).')
@secure()
param engineeringLogicAppCallbackUrl string = ''

@description('Ingest lag (enqueue → silver, mean over 5 min) that pages, in seconds.')
param ingestLagSeconds int = 60
@description('Minutes a line may send no telemetry before it pages.')
param lineSilentMinutes int = 5
@description('Function failure rate over 15 min that pages, in percent (functions with at least 20 invocations).')
param functionFailurePercent int = 5
@description('Envelope refusals within 15 min that count as a spike.')
param envelopeRefusalSpike int = 20

var operationsEmailReceivers = [for (address, i) in operationsEmails: {
  name: 'ops-email-${i}'
  emailAddress: address
  useCommonAlertSchema: true
}]
var engineeringEmailReceivers = [for (address, i) in engineeringEmails: {
  name: 'eng-email-${i}'
  emailAddress: address
  useCommonAlertSchema: true
}]

var operationsTeams = { name: 'ops-teams', serviceUri: operationsTeamsWebhookUrl, useCommonAlertSchema: true }
var engineeringLogicApp = {
  name: 'eng-logic-app'
  resourceId: engineeringLogicAppId
  callbackUrl: engineeringLogicAppCallbackUrl
  useCommonAlertSchema: true
}

resource operations 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: '${baseName}-ag-operations'
  location: 'global'
  tags: tags
  properties: {
    groupShortName: 'smelt-ops'
    enabled: true
    emailReceivers: operationsEmailReceivers
    webhookReceivers: empty(operationsTeamsWebhookUrl) ? [] : [ operationsTeams ]
  }
}

resource engineering 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: '${baseName}-ag-engineering'
  location: 'global'
  tags: tags
  properties: {
    groupShortName: 'smelt-eng'
    enabled: true
    emailReceivers: engineeringEmailReceivers
    logicAppReceivers: empty(engineeringLogicAppId) ? [] : [ engineeringLogicApp ]
  }
}

// One entry per log alert: what it finds (a query whose rows are the problem), how often, over what window, who.
var logAlerts = [
  {
    name: 'ingest-lag'
    severity: 1
    description: 'Telemetry reaches silver more than ${ingestLagSeconds} s after it was enqueued (mean over 5 min): ingestion is falling behind.'
    query: 'customMetrics | where name == "smelter.ingest.lag" | summarize meanMs = sum(valueSum) / sum(valueCount) | where meanMs > ${ingestLagSeconds * 1000}'
    frequency: 'PT1M'
    window: 'PT5M'
    team: 'operations'
  }
  {
    name: 'line-silent'
    severity: 1
    description: 'A line that sent telemetry in the last day has sent none for ${lineSilentMinutes} minutes: the plant link, the broker or ingestion is down for it.'
    query: 'let seen = customMetrics | where name == "smelter.ingest.points" | distinct line = tostring(customDimensions["line"]); let recent = customMetrics | where name == "smelter.ingest.points" and timestamp > ago(${lineSilentMinutes}m) | summarize points = sum(valueSum) by line = tostring(customDimensions["line"]) | where points > 0; seen | join kind=leftanti recent on line'
    frequency: 'PT5M'
    window: 'P1D'
    team: 'operations'
  }
  {
    name: 'ingest-batch-parked'
    severity: 1
    description: 'A telemetry batch failed every retry and was parked: it is not in silver until someone runs npm run lake -- parked replay.'
    query: 'customMetrics | where name == "smelter.ingest.parked" | summarize batches = sum(valueSum) | where batches > 0'
    frequency: 'PT5M'
    window: 'PT5M'
    team: 'operations'
  }
  {
    name: 'ingest-batch-lost'
    severity: 0
    description: 'A telemetry batch could be neither ingested nor parked: replay its range from the Event Hub before the retention ends (the log names it).'
    query: 'customMetrics | where name == "smelter.ingest.park_failures" | summarize batches = sum(valueSum) | where batches > 0'
    frequency: 'PT5M'
    window: 'PT5M'
    team: 'operations'
  }
  {
    name: 'run-failed'
    severity: 2
    description: 'An optimisation or PDE run failed, or an advisory run expired waiting for its approval.'
    query: 'customMetrics | where name == "smelter.runs" and tostring(customDimensions["outcome"]) in ("failed", "expired") | summarize runs = sum(valueSum) by kind = tostring(customDimensions["kind"]), outcome = tostring(customDimensions["outcome"]) | where runs > 0'
    frequency: 'PT15M'
    window: 'PT15M'
    team: 'engineering'
  }
  {
    name: 'function-failure-rate'
    severity: 2
    description: 'More than ${functionFailurePercent} % of a function\'s invocations failed in 15 min.'
    query: 'requests | summarize total = count(), failed = countif(success == false) by operation_Name | where total >= 20 and 100.0 * failed / total > ${functionFailurePercent}'
    frequency: 'PT5M'
    window: 'PT15M'
    team: 'engineering'
  }
  {
    name: 'envelope-refusal-spike'
    severity: 2
    description: 'At least ${envelopeRefusalSpike} commands refused by the safety envelope in 15 min: stale data, read-back missing or a recommendation out of bounds.'
    query: 'customMetrics | where name == "smelter.scada.envelope.refusals" | summarize refusals = sum(valueSum) | where refusals >= ${envelopeRefusalSpike}'
    frequency: 'PT5M'
    window: 'PT15M'
    team: 'operations'
  }
]

resource rules 'Microsoft.Insights/scheduledQueryRules@2023-03-15-preview' = [for a in logAlerts: {
  name: '${baseName}-${a.name}'
  location: location
  tags: tags
  properties: {
    displayName: '${baseName} ${a.name}'
    description: a.description
    severity: a.severity
    enabled: true
    scopes: [ appInsightsId ]
    evaluationFrequency: a.frequency
    windowSize: a.window
    criteria: {
      allOf: [
        {
          query: a.query
          timeAggregation: 'Count'
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 }
        }
      ]
    }
    autoMitigate: true
    actions: { actionGroups: [ a.team == 'operations' ? operations.id : engineering.id ] }
  }
}]

// Dead letters are Service Bus's own metric: it reports while the app is down and needs no receive rights.
resource deadLetters 'Microsoft.Insights/metricAlerts@2018-03-01' = {
  name: '${baseName}-dead-letters'
  location: 'global'
  tags: tags
  properties: {
    description: 'A plant-events subscription has dead-lettered messages: npm run bus -- dlq ls, then dlq replay once the cause is fixed.'
    severity: 1
    enabled: true
    scopes: [ serviceBusNamespaceId ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT5M'
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
      allOf: [
        {
          criterionType: 'StaticThresholdCriterion'
          name: 'dead-lettered'
          metricNamespace: 'Microsoft.ServiceBus/namespaces'
          metricName: 'DeadletteredMessages'
          dimensions: [ { name: 'EntityName', operator: 'Include', values: [ '*' ] } ]
          operator: 'GreaterThan'
          threshold: 0
          timeAggregation: 'Maximum'
        }
      ]
    }
    autoMitigate: true
    actions: [ { actionGroupId: operations.id } ]
  }
}

// The workbook ops open in the Portal (Monitor → Workbooks): ingestion, lake, runs, fan-out, SCADA, API, process.
resource workbook 'Microsoft.Insights/workbooks@2023-06-01' = {
  name: guid(resourceGroup().id, baseName, 'operations-workbook')
  location: location
  tags: tags
  kind: 'shared'
  properties: {
    displayName: '${baseName} operations'
    category: 'workbook'
    sourceId: appInsightsId
    serializedData: replace(loadTextContent('../workbooks/operations.workbook.json'), '__WORKSPACE_ID__', workspaceId)
  }
}

output operationsActionGroupId string = operations.id
output engineeringActionGroupId string = engineering.id
output workbookId string = workbook.id
