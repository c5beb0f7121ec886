// The control room (web/, a static React app) on Azure Static Web Apps (issue 19). The pipeline uploads web/dist
// with the site's deployment token and writes config.json (API base, Entra ID client) beside it; the app calls the
// Function App's API and the SignalR Service cross-origin, which both allow this site's origin.
param baseName string
@description('Static Web Apps run in a few regions only (westeurope, centralus, eastus2, westus2, eastasia).')
param location string
param tags object
@allowed([ 'Free', 'Standard' ])
param skuName string = 'Standard'

resource site 'Microsoft.Web/staticSites@2023-12-01' = {
  name: '${baseName}-controlroom-${take(uniqueString(resourceGroup().id), 6)}'
  location: location
  tags: tags
  sku: { name: skuName, tier: skuName }
  properties: {
    // Deployed by the pipeline (AzureStaticWebApp task), not from a repository the service watches.
    provider: 'None'
    stagingEnvironmentPolicy: 'Disabled'
    allowConfigFileUpdates: true
    enterpriseGradeCdnStatus: 'Disabled'
  }
}

output name string = site.name
@description('The site\'s origin, which the Function App\'s CORS and the SignalR Service allow.')
output origin string = 'https://${site.properties.defaultHostname}'
