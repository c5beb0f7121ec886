/**
 * Loads what the screens show from the API and keeps it current from the push connection: the plant, then per line
 * its cells, the overrides in force, the open alerts and the day's runs. Reads again after every (re)connect.
 */
import type { ApiClient } from '../api/client.js';
import {
  AlertPage,
  LineCells,
  OverridePage,
  PlantView,
  Run,
  RunList,
  type Alert,
  type Override,
} from '../api/schemas.js';
import { can } from '../capabilities.js';
import { connectLive, type LiveConnection } from './connection.js';
import type { ControlRoomStore } from './store.js';

/** Largest page the API serves (shared/http/paging.ts MAX_PAGE_SIZE). */
const PAGE = 100;

export class ControlRoomController {
  #live: LiveConnection | undefined;
  #ticker: ReturnType<typeof setInterval> | undefined;
  #alertsTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    readonly api: ApiClient,
    readonly store: ControlRoomStore,
    readonly roles: readonly string[],
  ) {}

  /** Reads the plant, then (for the floor's roles) connects the push channel, which reads the rest once connected. */
  async start(): Promise<void> {
    await this.loadPlant();
    this.#ticker = setInterval(() => this.store.tick(Date.now()), 1000);
    if (can(this.roles, 'viewFloor')) {
      // The map fills from the API while the push channel connects (which reads everything again once it is up, to
      // close the gap between this read and the first push).
      this.resync().catch(() => undefined);
      this.#live = connectLive(this.api, this.store, {
        resync: () => this.resync(),
        runChanged: (m) => {
          this.store.noteRunStep(m.runId, m.step, m.outcome);
          this.refreshRun(m.runId).catch(() => undefined);
        },
        alertChanged: () => this.refreshAlertsSoon(),
        plantChanged: () => void this.loadPlant(),
      });
    }
  }

  async stop(): Promise<void> {
    if (this.#ticker) clearInterval(this.#ticker);
    if (this.#alertsTimer) clearTimeout(this.#alertsTimer);
    await this.#live?.stop();
  }

  async loadPlant(): Promise<void> {
    this.store.setPlant(await this.api.get('plant', PlantView));
  }

  /** Everything the floor shows, read from the API (what a push could have missed while disconnected). */
  async resync(): Promise<void> {
    const lines = this.store.lines.map((l) => l.lineId);
    const cells = await Promise.all(lines.map((l) => this.api.get(`lines/${l}/cells/latest`, LineCells)));
    for (const c of cells) this.store.seedCells(c.items, Date.now());
    await Promise.all([this.refreshOverrides(), this.refreshAlerts(), this.refreshRuns()]);
  }

  async refreshOverrides(): Promise<void> {
    const items: Override[] = [];
    let token: string | undefined;
    do {
      const page = await this.api.get(
        `overrides?pageSize=${PAGE}${token ? `&continuationToken=${token}` : ''}`,
        OverridePage,
      );
      items.push(...page.items);
      token = page.continuationToken;
    } while (token);
    this.store.setOverrides(items);
  }

  /** Open alerts: active and acknowledged (both keep a tile in alert until cleared). */
  async refreshAlerts(): Promise<void> {
    const read = async (state: 'active' | 'acknowledged') => {
      const items: Alert[] = [];
      let token: string | undefined;
      do {
        const page = await this.api.get(
          `alerts?state=${state}&pageSize=${PAGE}${token ? `&continuationToken=${token}` : ''}`,
          AlertPage,
        );
        items.push(...page.items);
        token = page.continuationToken;
      } while (token && items.length < 1000);
      return items;
    };
    const [active, acknowledged] = await Promise.all([read('active'), read('acknowledged')]);
    this.store.setAlerts([...active, ...acknowledged]);
  }

  /** Alert changes come in bursts (a rule over many cells): read the open alerts once per burst. */
  refreshAlertsSoon(): void {
    if (this.#alertsTimer) return;
    this.#alertsTimer = setTimeout(() => {
      this.#alertsTimer = undefined;
      void this.refreshAlerts();
    }, 250);
  }

  async refreshRuns(): Promise<void> {
    this.store.setRuns((await this.api.get('optimizations', RunList)).items);
  }

  /** Reads a run again; a failed read is tried again (1, 2, 4 s) so a push is never lost to one bad answer. */
  async refreshRun(runId: string): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        this.store.putRun(await this.api.get(`optimizations/${runId}`, Run));
        return;
      } catch (err) {
        if (attempt >= 3) throw err;
        await new Promise((resolve) => setTimeout(resolve, 1000 * 2 ** attempt));
      }
    }
  }
}
