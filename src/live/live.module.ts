import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { CamerasModule } from '../cameras/cameras.module.js';
import { LocationsModule } from '../locations/locations.module.js';
import { LiveEventsListener } from './live-events.listener.js';
import { LiveGateway } from './live.gateway.js';
import { LiveHandshake } from './live-handshake.js';
import { LiveSessionWatch } from './live-session-watch.js';
import { LiveSockets } from './live-sockets.js';
import { LiveSubscriptions } from './live-subscriptions.js';

/** Live events over Socket.IO (`/events`): domain events of each organisation pushed to its sockets. */
@Module({
  imports: [AuthModule, CamerasModule, LocationsModule],
  providers: [LiveGateway, LiveHandshake, LiveSockets, LiveSubscriptions, LiveEventsListener, LiveSessionWatch],
  exports: [LiveSockets],
})
export class LiveModule {}
