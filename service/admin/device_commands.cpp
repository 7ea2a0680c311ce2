// device add / revoke / reissue-code.

#include <iomanip>
#include <iostream>
#include <sstream>

#include "admin/commands.h"
#include "lending/files.h"

namespace hondana::admin {

namespace {

struct DeviceArgs {
    std::vector<std::string> ids;
    int count { 0 };
    std::string prefix { "tab-" };
    std::string school, label, csv, id;
};

std::string mdm_csv(const std::vector<lending::RegisteredDevice>& devices)
{
    std::string csv = "device_id,enrolment_code,school\n";
    for (const auto& device : devices)
        csv += device.id + "," + device.enrolment_code + "," + device.school + "\n";
    return csv;
}

lending::Result<int> add(AdminContext& context, const DeviceArgs& args)
{
    auto ids = args.ids;
    for (int i = 1; i <= args.count; ++i) {
        std::ostringstream id;
        id << args.prefix << std::setw(4) << std::setfill('0') << i;
        ids.push_back(id.str());
    }
    if (ids.empty())
        return lending::fail(lending::ErrorKind::InvalidArgument, "name device IDs, or give --count N [--prefix P]");
    auto* service = TRY(context.service());
    auto slug = TRY(context.tenant_slug());
    auto devices = TRY(service->devices().add(context.actor(), slug, args.school, ids, args.label));
    auto csv = mdm_csv(devices);
    if (args.csv.empty()) {
        std::cout << csv;
    } else {
        TRY(lending::write_file(args.csv, drm::as_bytes(csv), 0600));
        std::cout << devices.size() << " device(s) registered; enrolment codes for the MDM in " << args.csv
                  << " (mode 0600)\n";
    }
    return ExitCode::ok;
}

lending::Result<int> revoke(AdminContext& context, const DeviceArgs& args)
{
    auto* service = TRY(context.service());
    auto slug = TRY(context.tenant_slug());
    if (!context.confirm("revoke device " + args.id + " of tenant " + slug
            + ": its sessions end now, its next request is refused and the reader wipes itself"))
        return static_cast<int>(ExitCode::declined);
    TRY(service->devices().revoke(context.actor(), slug, args.id));
    std::cout << "device " << args.id << " revoked\n";
    return ExitCode::ok;
}

lending::Result<int> reissue(AdminContext& context, const DeviceArgs& args)
{
    auto* service = TRY(context.service());
    auto slug = TRY(context.tenant_slug());
    if (!context.confirm(
            "issue a new enrolment code for device " + args.id + ": its current certificate stops working"))
        return static_cast<int>(ExitCode::declined);
    auto device = TRY(service->devices().reissue_code(context.actor(), slug, args.id));
    std::cout << mdm_csv({ device });
    return ExitCode::ok;
}

}

void add_device_commands(CLI::App& cli, AdminContext& context, Action& action)
{
    auto args = std::make_shared<DeviceArgs>();
    auto* device = cli.add_subcommand("device", "Devices (tablets)")->require_subcommand(1);
    auto* add_command = device->add_subcommand(
        "add", "Register devices; prints (or writes) device_id,enrolment_code,school for the MDM");
    add_command->add_option("device_id", args->ids, "Device IDs as the MDM knows them");
    add_command->add_option("--count", args->count, "Register N devices named PREFIX0001…");
    add_command->add_option("--prefix", args->prefix)->capture_default_str();
    add_command->add_option("--school", args->school)->required();
    add_command->add_option("--label", args->label);
    add_command->add_option("--csv", args->csv, "Write the codes to this file (0600) instead of standard output");
    add_command->callback([&action, &context, args] {
        action = [&context, args] { return run(context, [&] { return add(context, *args); }); };
    });
    auto* revoke_command = device->add_subcommand("revoke", "Revoke a device (asks for confirmation)");
    revoke_command->add_option("device_id", args->id)->required();
    revoke_command->callback([&action, &context, args] {
        action = [&context, args] { return run(context, [&] { return revoke(context, *args); }); };
    });
    auto* reissue_command = device->add_subcommand("reissue-code", "New enrolment code for a replaced or reset device");
    reissue_command->add_option("device_id", args->id)->required();
    reissue_command->callback([&action, &context, args] {
        action = [&context, args] { return run(context, [&] { return reissue(context, *args); }); };
    });
}

}
