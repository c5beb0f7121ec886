import { describe } from 'vitest';
import { MemoryAlertStore } from './store.js';
import { alertStoreContract } from './store-contract.js';

describe('alert life-cycle on the memory store', () => {
  alertStoreContract(async () => new MemoryAlertStore());
});
