namespace AcumaticaZendesk.Sync.Ports;

/// <summary>
/// The order in which a run reads the entity kinds: a kind starts once the kinds it depends on were read to the end,
/// and kinds whose prerequisites are met are read side by side.
/// <list type="bullet">
/// <item>Customers depend on nothing; the last customer page of a window also makes sure the company's own
/// organization exists (in the same lookup and bulk chunks as the accounts).</item>
/// <item>Employees follow customers: they need only that own organization, and touch no account organization (their
/// page still creates it when the customer page could not, e.g. with customers switched off).</item>
/// <item>Vendors follow customers: an account that is both customer and vendor is one organization, so its vendor
/// contribution is merged into what the customer page wrote (never two creates racing for one account).</item>
/// <item>Contacts follow vendors (so customers too) and employees: they link to the accounts' organizations, and no
/// two user kinds are ever written at once (a person who is both contact and employee has one e-mail: one of the two
/// must find the other's user and report the conflict, never merge into it).</item>
/// </list>
/// </summary>
public static class SyncStages
{
    public static IReadOnlyDictionary<EntityKind, IReadOnlyList<EntityKind>> Prerequisites { get; } = new Dictionary<EntityKind, IReadOnlyList<EntityKind>>
    {
        [EntityKind.Customer] = [],
        [EntityKind.Employee] = [EntityKind.Customer],
        [EntityKind.Vendor] = [EntityKind.Customer],
        [EntityKind.Contact] = [EntityKind.Vendor, EntityKind.Employee],
    };

    /// <summary>Every kind, in the order they become ready (and are listed to operators).</summary>
    public static IReadOnlyList<EntityKind> KindOrder { get; } = [EntityKind.Customer, EntityKind.Employee, EntityKind.Vendor, EntityKind.Contact];

    /// <summary>Kinds not finished, not running, whose prerequisites are all finished, in <see cref="KindOrder"/>.</summary>
    public static IEnumerable<EntityKind> Ready(IReadOnlyCollection<EntityKind> finished, IReadOnlyCollection<EntityKind> running) =>
        KindOrder.Where(k => !finished.Contains(k) && !running.Contains(k) && Prerequisites[k].All(finished.Contains));
}
