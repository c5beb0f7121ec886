import type { Container } from '@azure/cosmos';
import { DomainError } from '../kernel/errors.js';
import { statusOf } from './open-container.js';

/** Cosmos DB sub-status of a 404 whose container (or database) does not exist: "owner resource does not exist". */
const OWNER_RESOURCE_NOT_FOUND = 1003;

/** An item could not be read: the container is missing or unreachable. */
export class ItemUnreadableError extends DomainError {
  constructor(
    readonly container: string,
    detail: string,
  ) {
    super('unavailable', 'ERR-COSMOS-UNREADABLE', `${container}: ${detail}`, container);
  }
}

/**
 * Reads one item by id and partition key; undefined only when the container itself answers that the item does not
 * exist. A 404 alone does not say which is missing, the item or its container (a restarted, empty local server; a
 * deleted container), so unless it carries the owner-missing sub-status the container is asked; a missing container
 * or any other failure throws ItemUnreadableError. Safety reads use this, so that "cannot tell" never reads as
 * "nothing there".
 */
export async function readItem<T>(
  container: Container,
  id: string,
  partitionKey: string,
): Promise<(T & { _etag: string }) | undefined> {
  let status: number | undefined;
  let substatus: number | undefined;
  try {
    const response = await container.item(id, partitionKey).read<T & { _etag: string }>();
    if (response.resource) return response.resource;
    status = response.statusCode;
    substatus = response.substatus;
  } catch (e) {
    status = Number(statusOf(e));
    substatus = (e as { substatus?: number }).substatus;
    if (status !== 404) throw new ItemUnreadableError(container.id, e instanceof Error ? e.message : String(e));
  }
  if (status !== 404) throw new ItemUnreadableError(container.id, `reading ${id} answered ${status}`);
  if (substatus === OWNER_RESOURCE_NOT_FOUND)
    throw new ItemUnreadableError(container.id, 'the container does not exist');
  try {
    const c = await container.read();
    if (!c.resource) throw new ItemUnreadableError(container.id, 'the container does not exist');
  } catch (e) {
    if (e instanceof ItemUnreadableError) throw e;
    throw new ItemUnreadableError(
      container.id,
      statusOf(e) === 404 ? 'the container does not exist' : e instanceof Error ? e.message : String(e),
    );
  }
  return undefined;
}
