/** The routed-Sparkplug ingress wired to Cosmos (`sparkplug-births`) and the telemetry hub (one per process). */
import { settings } from '../config/settings.js';
import { RoutedSparkplugIngress } from '../sparkplug/routed-ingress.js';
import { appContainer, once } from './composition-root.js';
import { CosmosBirthStore, SPARKPLUG_BIRTHS_CONTAINER } from './cosmos-birth-store.js';
import { createTelemetryHubSender } from './telemetry-hub-sender.js';

export const routedSparkplugIngressFromSettings = once<RoutedSparkplugIngress>(async () => {
  const s = settings();
  return new RoutedSparkplugIngress({
    births: new CosmosBirthStore(await appContainer(SPARKPLUG_BIRTHS_CONTAINER, '/edgeNodeId')),
    hub: createTelemetryHubSender(s.TELEMETRY_HUB),
    clock: Date.now,
  });
});
