export { startBridge, type Bridge, type BridgeOptions } from './bridge.js';
export { BIND_ADDRESS } from './auth.js';
