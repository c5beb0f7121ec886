/**
 * What the app asks of the host that the devhost does not serve. Azure would run it; the devhost would run it
 * differently or not at all, so it refuses at start-up instead, naming every such binding or setting and what to do
 * (DESIGN §3, "Fidelity"; local/devhost/README.md keeps the table).
 */
export interface UnservedItem {
  /** Where it is: `function <name>, binding "<name>" (<type>)`, or `host.json <path>`. */
  where: string;
  /** Why the devhost does not serve it. */
  why: string;
  /** What to do about it. */
  todo: string;
}

export class UnservedError extends Error {
  readonly code = 'ERR-DEVHOST-UNSERVED';
  constructor(readonly items: readonly UnservedItem[]) {
    super(
      `The devhost does not serve ${items.length === 1 ? 'this' : `these ${items.length}`} and will not start rather than run the app unlike Azure ` +
        `(local/devhost/README.md lists what is served):\n${items.map((i) => `  - ${i.where}: ${i.why}. ${i.todo}`).join('\n')}`,
    );
    this.name = 'UnservedError';
  }
}

/** Throws an UnservedError listing `items`, if there are any. */
export function refuseUnserved(items: readonly UnservedItem[]): void {
  if (items.length > 0) throw new UnservedError(items);
}
