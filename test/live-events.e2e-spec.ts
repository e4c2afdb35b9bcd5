import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { Socket } from 'socket.io-client';
import { DataSource } from 'typeorm';
import { DomainEventBus } from '../src/events/domain-event-bus.js';
import { createOrganizationWithAdmin, createUserAndLogin, type Session } from './support/api-client.js';
import {
  collect,
  connectLive,
  createCamera,
  detection,
  nextEvent,
  pause,
  publish,
  uuidOf,
} from './support/live-client.js';
import { useTestApp } from './support/use-test-app.js';

describe('live events: what reaches whom', () => {
  const ctx = useTestApp();
  const sockets: Socket[] = [];
  afterEach(() => sockets.splice(0).forEach((socket) => socket.close()));

  const connect = (session: Session) => connectLive(ctx.sut, { token: session.access_token }, sockets);
  /** Long enough for an event emitted with the one that arrived to arrive too (all go out in one emit). */
  const settle = () => pause(250);

  it('pushes a recognition to its organisation and the super admin, and to no other organisation', async () => {
    const mine = await createOrganizationWithAdmin(ctx.sut, ctx.superAdmin);
    const theirs = await createOrganizationWithAdmin(ctx.sut, ctx.superAdmin);
    const operator = await createUserAndLogin(ctx.sut, mine.admin, undefined, 'operator');
    const [member, outsider, superAdmin] = await Promise.all([
      connect(operator),
      connect(theirs.admin),
      connect(ctx.superAdmin),
    ]);
    const outsiderHeard = collect(outsider, 'recognition');
    const camera = await createCamera(ctx.sut, mine.organizationId);
    const location = uuidOf('location-of-the-door');
    const seen = detection();
    const stranger = detection({
      matched: false,
      personId: null,
      personName: null,
      personCode: null,
      kind: 'unknown',
      matchConfidence: 0.41,
      liveness: null,
      isAnomaly: true,
      anomalyReason: 'spoof_suspected',
    });
    const frameTime = '2026-12-03T09:15:00.000Z';
    const received = [nextEvent(member, 'recognition'), nextEvent(superAdmin, 'recognition')];
    await publish(ctx.sut, 'presence.recognized', {
      organizationId: mine.organizationId,
      cameraId: camera,
      locationId: location,
      streamUrl: 'rtsp://door.example/stream',
      frameTime,
      detections: [seen, stranger],
    });
    const [event, superAdminEvent] = await Promise.all(received);
    assert.match(String(event.event_id), /^[0-9a-f-]{36}$/);
    assert.deepEqual(event, {
      type: 'recognition_event',
      event_id: event.event_id,
      organization_id: mine.organizationId,
      camera_id: camera,
      location_id: location,
      stream_url: 'rtsp://door.example/stream',
      frame_time: frameTime,
      detections: [
        {
          event_id: seen.eventId,
          bbox: { x: 10, y: 20, width: 100, height: 120 },
          matched: true,
          person_id: seen.personId,
          person_name: 'Barack Obama',
          person_code: 'ENG-2026-0001',
          kind: 'employee',
          student_id: seen.personId,
          student_name: 'Barack Obama',
          match_confidence: 0.93,
          match_modality: 'face',
          models_used: ['blazeface', 'dlib_resnet_v1'],
          liveness: { passed: true, score: 0.98 },
          is_anomaly: false,
          anomaly_reason: null,
          thumbnail_url: seen.thumbnailUrl,
        },
        {
          event_id: stranger.eventId,
          bbox: { x: 10, y: 20, width: 100, height: 120 },
          matched: false,
          person_id: null,
          person_name: null,
          person_code: null,
          kind: 'unknown',
          student_id: null,
          student_name: null,
          match_confidence: 0.41,
          match_modality: 'face',
          models_used: ['blazeface', 'dlib_resnet_v1'],
          liveness: null,
          is_anomaly: true,
          anomaly_reason: 'spoof_suspected',
          thumbnail_url: stranger.thumbnailUrl,
        },
      ],
    });
    assert.deepEqual(superAdminEvent, event, 'the super admin hears every organisation');
    await settle();
    assert.deepEqual(outsiderHeard, [], 'another organisation hears nothing');
  });

  it('keeps camera events from sockets without cameras:read, and enrollment news from those without employees:read', async () => {
    const { organizationId, admin } = await createOrganizationWithAdmin(ctx.sut, ctx.superAdmin);
    const [employee, teacher] = await Promise.all([
      createUserAndLogin(ctx.sut, admin, undefined, 'employee'),
      createUserAndLogin(ctx.sut, admin, undefined, 'teacher'),
    ]);
    const [adminSocket, employeeSocket, teacherSocket] = await Promise.all([
      connect(admin),
      connect(employee),
      connect(teacher),
    ]);
    const heardByEmployee = collect(employeeSocket, 'recognition');
    const enrollmentsHeardByEmployee = collect(employeeSocket, 'enrollment.completed');
    const heardByTeacher = collect(teacherSocket, 'recognition');
    const camera = await createCamera(ctx.sut, organizationId);
    const recognition = nextEvent(adminSocket, 'recognition');
    await publish(ctx.sut, 'presence.recognized', {
      organizationId,
      cameraId: camera,
      locationId: null,
      streamUrl: null,
      frameTime: new Date().toISOString(),
      detections: [detection()],
    });
    await recognition;
    const personId = uuidOf('enrolled-person');
    const enrolled = [nextEvent(adminSocket, 'enrollment.completed'), nextEvent(teacherSocket, 'enrollment.completed')];
    await publish(ctx.sut, 'face.enrolled', { organizationId, employeeId: personId, templateIds: ['t1'], jobId: null });
    for (const event of await Promise.all(enrolled)) {
      assert.deepEqual(event, {
        organization_id: organizationId,
        person_id: personId,
        template_ids: ['t1'],
        job_id: null,
      });
    }
    await settle();
    assert.deepEqual(heardByEmployee, []);
    assert.deepEqual(enrollmentsHeardByEmployee, []);
    assert.deepEqual(heardByTeacher, [], 'a teacher has no cameras:read');
  });

  it('pushes unknown faces, anomalies and camera status with their payloads', async () => {
    const { organizationId, admin } = await createOrganizationWithAdmin(ctx.sut, ctx.superAdmin);
    const socket = await connect(admin);
    const camera = await createCamera(ctx.sut, organizationId);
    const eventId = uuidOf('unknown-face-event');
    const at = '2026-12-03T10:00:00.000Z';
    const unknown = nextEvent(socket, 'presence.unknown');
    await publish(ctx.sut, 'presence.unknown', {
      organizationId,
      cameraId: camera,
      locationId: null,
      eventId,
      frameTime: at,
      thumbnailUrl: '/api/v1/files/abc',
    });
    assert.deepEqual(await unknown, {
      organization_id: organizationId,
      camera_id: camera,
      location_id: null,
      event_id: eventId,
      frame_time: at,
      thumbnail_url: '/api/v1/files/abc',
    });
    const anomaly = nextEvent(socket, 'presence.anomaly');
    const personId = uuidOf('anomalous-person');
    await publish(ctx.sut, 'presence.anomaly', {
      organizationId,
      cameraId: camera,
      locationId: null,
      eventId,
      employeeId: personId,
      reason: 'outside_shift',
      frameTime: at,
    });
    assert.deepEqual(await anomaly, {
      organization_id: organizationId,
      camera_id: camera,
      location_id: null,
      event_id: eventId,
      person_id: personId,
      reason: 'outside_shift',
      frame_time: at,
    });
    const status = nextEvent(socket, 'camera.status');
    await publish(ctx.sut, 'camera.status', {
      organizationId,
      cameraId: camera,
      locationId: null,
      status: 'online',
      at,
    });
    assert.deepEqual(await status, {
      organization_id: organizationId,
      camera_id: camera,
      location_id: null,
      status: 'online',
      at,
    });
  });

  it('announces nothing of a change that rolled back', async () => {
    const { organizationId, admin } = await createOrganizationWithAdmin(ctx.sut, ctx.superAdmin);
    const socket = await connect(admin);
    const heard = collect(socket, 'camera.status');
    const camera = await createCamera(ctx.sut, organizationId);
    const bus = ctx.sut.app.get(DomainEventBus);
    const payload = { organizationId, cameraId: camera, locationId: null, status: 'offline' as const, at: 'now' };
    await assert.rejects(
      ctx.sut.app.get(DataSource).transaction(async (manager) => {
        await bus.publish(manager, 'camera.status', payload);
        throw new Error('the change fails after publishing');
      }),
      /the change fails/,
    );
    const delivered = nextEvent(socket, 'camera.status');
    await publish(ctx.sut, 'camera.status', { ...payload, status: 'online' });
    await delivered;
    await settle();
    assert.deepEqual(
      heard.map((event) => event.status),
      ['online'],
    );
  });
});
