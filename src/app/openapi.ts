import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { describeErrors } from './openapi-errors.js';
import { tidySchemas } from './openapi-schemas.js';

/** Swagger UI at /docs and the OpenAPI document at /docs-json, built from the routes and DTOs. */
export function setUpOpenApi(app: INestApplication): void {
  const config = new DocumentBuilder()
    .setTitle('FaceGate API')
    .setDescription(
      'Face-recognition attendance and visitor management. Log in with POST /api/v1/auth/login, then press ' +
        '"Authorize" and paste the access_token. Lists answer { count, next, previous, results }; errors answer ' +
        '{ error, message, details?, trace_id }.',
    )
    .setVersion('0.1.0')
    .setLicense('MIT', 'https://opensource.org/license/mit')
    .addServer('/', 'This server')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-Api-Key', description: "A camera's own key" }, 'camera_key')
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    operationIdFactory: (_controllerKey, methodKey) => methodKey,
  });
  describeErrors(app, document);
  tidySchemas(document);
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'docs-json',
    swaggerOptions: { persistAuthorization: true },
  });
}
