namespace AcumaticaZendesk.WebhookReceiver.IntegrationTests;

/// <summary>The shared health contract (tests/AcumaticaZendesk.Testing.Hosting) against this app.</summary>
public sealed class HealthEndpointTests : AcumaticaZendesk.Testing.Hosting.HealthEndpointTests<Program>;
