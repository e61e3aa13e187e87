namespace AcumaticaZendesk.OperatorConsole.Onboarding;

/// <summary>The steps of the onboarding wizard, in order.</summary>
public enum WizardStep
{
    Systems,
    Connect,
    Check,
    Plan,
    Mapping,
    Enable,
}

/// <summary>Where each step lives and what it is called.</summary>
public static class Wizard
{
    public const string StartPath = OperatorConsoleExtensions.BasePath + "/onboard";

    /// <summary>The step's path without a leading '/' (pages use the document's base href).</summary>
    public static string Href(string tenantId, WizardStep step) =>
        step == WizardStep.Systems ? StartPath[1..] : $"{StartPath[1..]}/{Uri.EscapeDataString(tenantId)}/{step.ToString().ToLowerInvariant()}";

    /// <summary>The step's path from the host's root (what the OAuth callback sends the browser back to).</summary>
    public static string Path(string tenantId, WizardStep step) => "/" + Href(tenantId, step);

    public static string Title(WizardStep step) => step switch
    {
        WizardStep.Systems => "Systems",
        WizardStep.Connect => "Connect",
        WizardStep.Check => "Check",
        WizardStep.Plan => "Plan",
        WizardStep.Mapping => "Mapping",
        _ => "Enable",
    };
}
