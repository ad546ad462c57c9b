using Villages.Domain;
using Villages.Privacy;
using Villages.Regions;

namespace Villages.Village;

/// <summary>The process-wide rules and keys a village grain works with.</summary>
public sealed class VillageRules(
    EnrollmentRules enrollment,
    ProgramRules program,
    WorkerKeys keys,
    PersonalDataProtector protector,
    RegionCatalog regions,
    FigureOptions figures,
    VillageStorageOptions storage,
    DuesRules dues)
{
    public EnrollmentRules Enrollment => enrollment;
    public ProgramRules Program => program;
    public WorkerKeys Keys => keys;
    public PersonalDataProtector Protector => protector;
    public RegionCatalog Regions => regions;
    public FigureOptions Figures => figures;
    public VillageStorageOptions Storage => storage;
    public DuesRules Dues => dues;
}
