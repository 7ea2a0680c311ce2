#include "lending/lending_service.h"

#include "lending/files.h"
#include "storage/key_file.h"

namespace hondana::lending {

Result<void> init_data_dir(const DataDir& dir)
{
    TRY(make_directory(dir.root, 0750));
    TRY(make_directory(dir.keys(), 0700));
    TRY(make_directory(dir.content(), 0755));
    auto key = storage::create_key_file(dir.database_key());
    if (!key)
        return fail(ErrorKind::Conflict, key.error().message);
    auto store = TRY(Store::open(dir.database(), key->view()));
    (void)store;
    return {};
}

LendingService::LendingService(
    DataDir dir, const Clock& clock, std::unique_ptr<Store> store, Pki pki, const ServiceOptions& options)
    : m_dir(std::move(dir))
    , m_clock(clock)
    , m_store(std::move(store))
    , m_pki(std::move(pki))
    , m_directory(*m_store, m_clock)
    , m_accounts(*m_store, m_clock)
    , m_tokens(*m_store, m_clock)
    , m_devices(*m_store, m_clock, m_pki)
    , m_catalog(*m_store, m_clock, m_dir.content())
    , m_circulation(*m_store, m_clock)
    , m_licensing(*m_store, m_clock, m_pki, options.licensing)
    , m_device_audit(*m_store, m_clock)
    , m_roster(*m_store, m_clock)
    , m_event_hub(options.event_hub ? options.event_hub : std::make_shared<InProcessEventHub>())
    , m_sessions(*m_store, m_clock, *m_event_hub)
    , m_positions(*m_store, m_clock)
{
}

Result<std::unique_ptr<LendingService>> LendingService::open(
    const DataDir& dir, const Clock& clock, const ServiceOptions& options)
{
    std::error_code ec;
    if (!std::filesystem::exists(dir.database_key(), ec) && !std::getenv("CREDENTIALS_DIRECTORY"))
        return fail(ErrorKind::InvalidArgument,
            dir.root.string() + " is not a Hondana data directory; run: hondana-admin --data " + dir.root.string()
                + " pki init");
    auto key = storage::load_database_key(dir.database_key());
    if (!key)
        return fail(ErrorKind::InvalidArgument, key.error().message);
    auto store = TRY(Store::open(dir.database(), key->view(), { options.durability, 5000 }));
    auto pki = TRY(Pki::load(dir.pki()));
    auto effective = options;
    if (effective.licensing.provider.empty())
        effective.licensing.provider = "urn:hondana:provider:" + pki.root().serial_hex();
    return std::make_unique<LendingService>(dir, clock, std::move(store), std::move(pki), effective);
}

}
