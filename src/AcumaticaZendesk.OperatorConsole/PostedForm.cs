using Microsoft.AspNetCore.Http;

namespace AcumaticaZendesk.OperatorConsole;

/// <summary>
/// The fields of the form being submitted. The framework has read and antiforgery-checked the form before a
/// component's <c>@onsubmit</c> handler (chosen by <c>@formname</c>) runs; the handler reads its fields here by name.
/// </summary>
internal static class PostedForm
{
    public static string? Field(HttpContext context, string name)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!HttpMethods.IsPost(context.Request.Method) || !context.Request.HasFormContentType)
        {
            return null;
        }

        var value = context.Request.Form[name].ToString();
        return string.IsNullOrWhiteSpace(value) ? null : value.Trim();
    }
}
