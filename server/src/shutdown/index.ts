export { drainHttpServer, installInFlightTracking } from './drain';
