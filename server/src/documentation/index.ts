export { excludeFromDocumentation } from './exclude';
