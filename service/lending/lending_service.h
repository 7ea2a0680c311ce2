#pragma once

// Everything the lending rules need, opened from a data directory:
//
//   DIR/lending.db (+ -wal, -shm)   SQLCipher database
//   DIR/keys/database.key           its 256-bit key, mode 0600 (or the
//                                   systemd credential hondana-db-key)
//   DIR/pki/                        tenant PKI (lending/pki.h)
//   DIR/content/                    protected packages, one file per title;
//                                   servable by any static server
//
// Both hondana-lending and hondana-admin open the same directory; SQLite's
// locking and BEGIN IMMEDIATE keep them consistent.

#include <filesystem>
#include <memory>
#include <optional>

#include "lending/accounts.h"
#include "lending/catalog.h"
#include "lending/circulation.h"
#include "lending/class_sessions.h"
#include "lending/clock.h"
#include "lending/device_audit.h"
#include "lending/devices.h"
#include "lending/directory.h"
#include "lending/event_hub.h"
#include "lending/licensing.h"
#include "lending/pki.h"
#include "lending/positions.h"
#include "lending/roster.h"
#include "lending/store.h"
#include "lending/tokens.h"

namespace hondana::lending {

struct DataDir {
    std::filesystem::path root;
    [[nodiscard]] std::filesystem::path database() const { return root / "lending.db"; }
    [[nodiscard]] std::filesystem::path keys() const { return root / "keys"; }
    [[nodiscard]] std::filesystem::path database_key() const { return keys() / "database.key"; }
    [[nodiscard]] std::filesystem::path pki() const { return root / "pki"; }
    [[nodiscard]] std::filesystem::path content() const { return root / "content"; }
};

// Creates the folders and the database key of a new data directory, and the
// database with its schema. Conflict when the key exists already.
[[nodiscard]] Result<void> init_data_dir(const DataDir& dir);

struct ServiceOptions {
    // Normal: every committed transaction survives a crash of the process
    // (kill -9); Full adds an fsync per commit for power loss (docs/service.md).
    storage::Durability durability { storage::Durability::Normal };
    LicensingOptions licensing;
    // The fan-out of class-session events; the in-process hub when null.
    std::shared_ptr<EventHub> event_hub;
};

class LendingService {
public:
    // InvalidArgument (with what to run) when the directory is not initialised.
    [[nodiscard]] static Result<std::unique_ptr<LendingService>> open(
        const DataDir& dir, const Clock& clock, const ServiceOptions& options = {});

    [[nodiscard]] const DataDir& data_dir() const { return m_dir; }
    [[nodiscard]] const Clock& clock() const { return m_clock; }
    [[nodiscard]] Store& store() { return *m_store; }
    [[nodiscard]] const Pki& pki() const { return m_pki; }
    [[nodiscard]] Directory& directory() { return m_directory; }
    [[nodiscard]] Accounts& accounts() { return m_accounts; }
    [[nodiscard]] Tokens& tokens() { return m_tokens; }
    [[nodiscard]] Devices& devices() { return m_devices; }
    [[nodiscard]] Catalog& catalog() { return m_catalog; }
    [[nodiscard]] Circulation& circulation() { return m_circulation; }
    [[nodiscard]] Licensing& licensing() { return m_licensing; }
    [[nodiscard]] DeviceAudit& device_audit() { return m_device_audit; }
    [[nodiscard]] Roster& roster() { return m_roster; }
    [[nodiscard]] ClassSessions& sessions() { return m_sessions; }
    [[nodiscard]] EventHub& event_hub() { return *m_event_hub; }
    [[nodiscard]] ReadingPositions& positions() { return m_positions; }

    LendingService(
        DataDir dir, const Clock& clock, std::unique_ptr<Store> store, Pki pki, const ServiceOptions& options);

private:
    DataDir m_dir;
    const Clock& m_clock;
    std::unique_ptr<Store> m_store;
    Pki m_pki;
    Directory m_directory;
    Accounts m_accounts;
    Tokens m_tokens;
    Devices m_devices;
    Catalog m_catalog;
    Circulation m_circulation;
    Licensing m_licensing;
    DeviceAudit m_device_audit;
    Roster m_roster;
    std::shared_ptr<EventHub> m_event_hub;
    ClassSessions m_sessions;
    ReadingPositions m_positions;
};

}
