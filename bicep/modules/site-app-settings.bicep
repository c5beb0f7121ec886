// The app settings of one slot of the Function App, written as the `appsettings` config resource so that an
// infrastructure deployment never takes the running code away: WEBSITE_RUN_FROM_PACKAGE (the package URL the
// pipeline sets per slot, see docs/deploy.md) is carried over from the slot's current settings when present.
// The site resource itself is deployed without appSettings, so only this resource writes them.
param siteName string
@description('Slot name; empty for the production slot.')
param slotName string = ''
@description('Settings this deployment owns: { NAME: value }.')
param settings object
@description('The slot\'s settings as they are now (list(...).properties), read before this deployment writes them.')
@secure()
param currentSettings object

var packageSetting = 'WEBSITE_RUN_FROM_PACKAGE'
var kept = contains(currentSettings, packageSetting) ? { '${packageSetting}': currentSettings[packageSetting] } : {}
var properties = union(settings, kept)

resource site 'Microsoft.Web/sites@2024-04-01' existing = {
  name: siteName
}

resource slot 'Microsoft.Web/sites/slots@2024-04-01' existing = if (!empty(slotName)) {
  parent: site
  name: empty(slotName) ? 'none' : slotName
}

resource productionSettings 'Microsoft.Web/sites/config@2024-04-01' = if (empty(slotName)) {
  parent: site
  name: 'appsettings'
  properties: properties
}

resource slotSettings 'Microsoft.Web/sites/slots/config@2024-04-01' = if (!empty(slotName)) {
  parent: slot
  name: 'appsettings'
  properties: properties
}
