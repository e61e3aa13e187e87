using System.ComponentModel.DataAnnotations;
using AcumaticaZendesk.Sync.Engine;
using Microsoft.Extensions.Options;

namespace AcumaticaZendesk.SyncWorker;

/// <summary>
/// The sync engine's tuning (configuration section <c>Sync:Engine</c>), read and validated when the worker starts.
/// Every setting is optional; the defaults are <see cref="SyncEngineOptions"/>'s.
/// </summary>
public sealed class SyncEngineSettings
{
    public const string SectionName = "Sync:Engine";

    private static readonly SyncEngineOptions Defaults = new();

    /// <summary>Bulk jobs (and <c>show_many</c> lookups) of one page in flight at once.</summary>
    [Range(1, 30)]
    public int MaxConcurrentWrites { get; set; } = Defaults.MaxConcurrentWrites;

    /// <summary>Pages of one activity call whose Zendesk work may overlap (1 = one after another).</summary>
    [Range(1, 16)]
    public int PipelineDepth { get; set; } = Defaults.PipelineDepth;

    /// <summary>Queued failures of a kind retried at the start of each window.</summary>
    [Range(0, 10_000)]
    public int MaxRetriesPerWindow { get; set; } = Defaults.MaxRetriesPerWindow;

    /// <summary>Reads the section, refuses out-of-range values with messages that name the setting, and maps to the engine's options.</summary>
    public static SyncEngineOptions Read(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var settings = configuration.GetSection(SectionName).Get<SyncEngineSettings>() ?? new SyncEngineSettings();
        var errors = new List<ValidationResult>();
        if (!Validator.TryValidateObject(settings, new ValidationContext(settings), errors, validateAllProperties: true))
        {
            throw new OptionsValidationException(
                SectionName,
                typeof(SyncEngineSettings),
                errors.Select(e => $"{SectionName}:{e.MemberNames.FirstOrDefault()}: {e.ErrorMessage}"));
        }

        return Defaults with
        {
            MaxConcurrentWrites = settings.MaxConcurrentWrites,
            PipelineDepth = settings.PipelineDepth,
            MaxRetriesPerWindow = settings.MaxRetriesPerWindow,
        };
    }
}
