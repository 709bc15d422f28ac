// undici's Agent by its own module (see src/node/upstream-fetch.ts): the same class the package's
// index exports, typed by the package's own declarations.
declare module 'undici/lib/dispatcher/agent.js' {
  import type { Agent } from 'undici';
  const AgentClass: typeof Agent;
  export default AgentClass;
}
