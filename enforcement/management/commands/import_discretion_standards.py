"""manage.py import_discretion_standards FILE --department CODE [--user USERNAME]: all or nothing, errors by 第N行."""

from core.file_import import DepartmentFileImportCommand
from enforcement import imports


class Command(DepartmentFileImportCommand):
    help = "从 XLSX 或 CSV 文件导入某部门的自由裁量基准（列名见导入模板）；任何一行有误则不保存任何数据"
    import_module = imports
    department_help = "制定部门代码，如 ZZSJ"
    department_option = True
