export {
  CIRCUIT_STATE_VALUE,
  type CircuitBreaker,
  type CircuitBreakerOptions,
  type CircuitIncident,
  CircuitOpenError,
  type CircuitState,
  type CircuitStateChange,
  createCircuitBreaker,
} from './circuit-breaker.js';
export { MODEL_VARIABLE, retryAfterFrom, translateAnthropicError } from './errors.js';
export {
  createModelPort,
  DEFAULT_MODEL_TIMEOUT_MS,
  type ModelCallRecord,
  type ModelFailureKind,
  type ModelMessage,
  type ModelPort,
  type ModelPortOptions,
  type ModelPurpose,
  type ModelResult,
  type StructuredRequest,
  type SystemBlock,
} from './model-port.js';
