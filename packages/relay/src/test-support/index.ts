/** @module @hookline/relay/testing — what other packages' tests share with the relay's (never shipped). */

export { describeStoreContract, type StoreBackend } from './store-contract.js';
