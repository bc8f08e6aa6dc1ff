// The local stack's public API: the registry types for whoever adds a component, and the pieces
// other packages read (stack.json, the alert sink's notification shape). stack.json alone, without
// loading the stack: `@gameday/stack/state-file`.
export type { ComponentKind, ComponentSpec, Command, Probe, RestartPolicy, StackContext } from './component';
export { registry, service } from './components';
export type { ServiceOptions } from './components';
export { backoffDelay, RestartBackoff, defaultBackoff } from './backoff';
export type { AlertNotification, Receiver } from './alert-sink';
export {
  DEFAULT_HOME,
  defaultStateFile,
  readRunningState,
  readState,
  STATE_FILE_NAME,
  stackHome,
  stateFileIn,
} from './state-file';
export type { ComponentRecord, ComponentState, RunningState, StackState } from './state-file';
export { LocalStack } from './stack';
export { GO_TOOLS, goToolPath } from './components';
export type { GoTool } from './components';
export { jaegerConfig, logAgentConfig, SIGNAL_PORTS } from './signals';
export type { JaegerPorts, LogAgentInput } from './signals';
export { checkTraversable } from './postgres';
export type { RunAs } from './postgres';
export { prepareKafkaBroker } from './kafka-launcher';
export type { BrokerCommand, PrepareBrokerOptions } from './kafka-launcher';
