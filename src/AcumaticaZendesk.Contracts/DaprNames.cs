namespace AcumaticaZendesk.Contracts;

/// <summary>
/// Every Dapr name the code uses, in one place. The YAML under <c>components/</c> and
/// <c>deploy/</c> uses exactly these names; a test keeps the two in agreement.
/// </summary>
public static class DaprNames
{
    /// <summary>Dapr app ids (hyphenated: the Dapr CLI refuses dots).</summary>
    public static class AppIds
    {
        public const string SyncWorker = "sync-worker";
        public const string WebhookReceiver = "webhook-receiver";
    }

    /// <summary>Component names (<c>metadata.name</c> in YAML).</summary>
    public static class Components
    {
        /// <summary>Cron input binding; daprd POSTs to <c>/sync-cron</c> on the sync worker.</summary>
        public const string SyncCron = "sync-cron";

        /// <summary>State store for tenants, watermarks, leases, audit trail; also the workflow (actor) store.</summary>
        public const string StateStore = "connector-state";

        /// <summary>Secret store for OAuth client secrets, webhook signing secrets and the token-encryption key.</summary>
        public const string SecretStore = "connector-secrets";

        /// <summary>Pub/sub that carries verified webhook events from the receiver to the worker.</summary>
        public const string PubSub = "connector-pubsub";

        /// <summary>The sidecar resiliency policy (kind: Resiliency).</summary>
        public const string Resiliency = "connector-resiliency";

        /// <summary>Names of every component the apps use (not the resiliency policy).</summary>
        public static readonly IReadOnlyList<string> All = [SyncCron, StateStore, SecretStore, PubSub];
    }

    /// <summary>Pub/sub topics.</summary>
    public static class Topics
    {
        /// <summary>Verified Zendesk ticket events, published by the webhook receiver.</summary>
        public const string ZendeskTicketEvents = "zendesk-ticket-events";

        /// <summary>Acumatica push notifications (a wake-up signal only), published by the webhook receiver.</summary>
        public const string AcumaticaChangeSignals = "acumatica-change-signals";

        /// <summary>A tenant sync run finished (summary with counts), published by the sync worker's workflow
        /// and consumed by the sync worker itself to keep the run history.</summary>
        public const string SyncRunCompleted = "sync-run-completed";

        /// <summary>
        /// Where daprd puts what a subscription cannot take (dropped by the app, or refused after the inbound retries), as
        /// it was received; every subscription names it. Nothing subscribes: operators read it in the broker (docs/deploy.md).
        /// </summary>
        public const string DeadLetters = "dead-letters";

        public static readonly IReadOnlyList<string> All = [ZendeskTicketEvents, AcumaticaChangeSignals, SyncRunCompleted, DeadLetters];
    }
}
