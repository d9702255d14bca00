"""manage.py import_credit_records DEPT_CODE FILE [--user USERNAME]: all-or-nothing, row errors by 第N行."""

from core.file_import import DepartmentFileImportCommand
from credit import imports


class Command(DepartmentFileImportCommand):
    help = "从 XLSX 或 CSV 文件导入某部门的信用记录（列名见导入模板）；任何一行有误则不保存任何数据"
    import_module = imports
    department_help = "来源部门代码，如 ZZSJ"
