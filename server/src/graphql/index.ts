export { configureGraphQL } from './shadow-crud';
