// The compiled policy data the Worker imports; its shape is checked at isolate start.
declare module 'temperance-policies' {
  const data: unknown;
  export default data;
}
