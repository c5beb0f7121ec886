import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PLANT_EVENTS_DUPLICATE_DETECTION_WINDOW } from '../../shared/messaging/subscriptions.js';
import { stripComments } from './bicep-values.js';

const bicep = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'bicep',
  'modules',
  'servicebus.bicep',
);

describe('plant-events duplicate detection', () => {
  // The devhost turns duplicate detection on for plant-events only, with this window; Service Bus has it off unless
  // a topic is created with it, so Bicep must create the topic with the same setting.
  it('is provisioned by Bicep with the window the devhost uses', () => {
    const topic =
      /resource topic 'Microsoft\.ServiceBus\/namespaces\/topics@[^']+' = \{([\s\S]*?)\n\}/.exec(
        stripComments(readFileSync(bicep, 'utf8')),
      )?.[1] ?? '';
    expect(topic).toMatch(/requiresDuplicateDetection:\s*true/);
    expect(/duplicateDetectionHistoryTimeWindow:\s*'([^']+)'/.exec(topic)?.[1]).toBe(
      PLANT_EVENTS_DUPLICATE_DETECTION_WINDOW,
    );
  });
});
